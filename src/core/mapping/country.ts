/** One ISO 3166-1 country and the names it is known by. */
export interface Country {
  readonly alpha2: string;
  readonly alpha3: string;
  readonly name: string;
  readonly aliases: readonly string[];
}
