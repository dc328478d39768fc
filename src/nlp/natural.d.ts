// natural ships one index.d.ts per folder, none for the single files imported here.
declare module 'natural/lib/natural/distance/levenshtein_distance.js' {
  export function DamerauLevenshteinDistance(
    source: string,
    target: string,
    options?: { insertion_cost?: number; deletion_cost?: number; substitution_cost?: number; transposition_cost?: number; restricted?: boolean },
  ): number;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/util/stopwords.js' {
  export const words: string[];
}
