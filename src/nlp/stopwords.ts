// English stopwords from natural's list (its single file, as everywhere in src/nlp), with the words of
// talk that carry no topic in an interview.
import { words } from 'natural/lib/natural/util/stopwords.js';

const SPOKEN = ['yeah', 'yes', 'no', 'oh', 'um', 'erm', 'er', 'uh', 'like', 'know', 'just', 'really', 'mean', 'think', 'got', 'get', 'go', 'going', 'said', 'say', 'well', 'right', 'okay', 'ok', 'sort', 'kind', 'thing', 'things', 'bit', 'lot', "don't", "didn't", "it's", "i'm", "that's", "you're", "they're", "i've", "i'd", "can't", "wasn't", 'laughs', 'pause'];

const STOP = new Set([...words, ...SPOKEN]);

/** Whether a lower-case word is too common in talk to say what a passage is about. */
export function isStopword(word: string): boolean {
  return STOP.has(word);
}
