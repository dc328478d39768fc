/**
 * Fisher's exact test for a 2×2 table, two-sided: the probability, under the hypergeometric
 * distribution with the table's margins fixed, of a table at most as probable as the one observed
 * (the definition R's fisher.test uses). Probabilities are summed in log space, so tables of a few
 * thousand cases are exact to many digits.
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  const lo = Math.max(0, col1 - (n - row1));
  const hi = Math.min(row1, col1);
  const logP = (x: number) => logChoose(row1, x) + logChoose(n - row1, col1 - x) - logChoose(n, col1);
  const observed = logP(a);
  // A relative tolerance, as R uses, so tables exactly as probable as the observed one count despite rounding.
  const limit = observed + Math.log1p(1e-7);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const l = logP(x);
    if (l <= limit) p += Math.exp(l);
  }
  return Math.min(1, p);
}

const logFactorials: number[] = [0];

function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1] + Math.log(i));
  return logFactorials[n];
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}
