/** "a saas product", "an image product", "an api product": the indefinite article of a kind's name in messages. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}
