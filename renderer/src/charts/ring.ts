/**
 * A fixed number of rows of numbers, one Float64Array per column, that forgets its oldest row when full.
 * Charts keep their points here: memory is decided when the ring is made and never grows, however long a
 * session runs. A missing value is NaN.
 */
export class ColumnRing {
  readonly columns: Float64Array[];
  /** Rows pushed since the last clear, forgotten ones included. */
  pushed = 0;
  private head = 0;
  private size = 0;

  constructor(
    columnCount: number,
    readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('A ring holds at least one row.');
    this.columns = Array.from({ length: columnCount }, () => new Float64Array(capacity));
  }

  get length(): number {
    return this.size;
  }

  /** Rows the ring had to forget to stay within its capacity. */
  get forgotten(): number {
    return this.pushed - this.size;
  }

  /** Appends one row; values beyond the columns are ignored, missing ones are NaN. */
  push(values: ArrayLike<number>): void {
    const at = (this.head + this.size) % this.capacity;
    for (let c = 0; c < this.columns.length; c++) this.columns[c]![at] = c < values.length ? values[c]! : NaN;
    if (this.size < this.capacity) this.size++;
    else this.head = (this.head + 1) % this.capacity;
    this.pushed++;
  }

  /** Row `index` (0 is the oldest kept) of `column`. */
  get(column: number, index: number): number {
    if (index < 0 || index >= this.size) return NaN;
    return this.columns[column]![(this.head + index) % this.capacity]!;
  }

  /** The newest row's value in `column`, NaN when empty. */
  last(column: number): number {
    return this.get(column, this.size - 1);
  }

  /** The newest value of `column` that is not NaN, with its row, or undefined. */
  lastValue(column: number): { index: number; value: number } | undefined {
    for (let i = this.size - 1; i >= 0; i--) {
      const value = this.get(column, i);
      if (!Number.isNaN(value)) return { index: i, value };
    }
    return undefined;
  }

  /** `column` oldest first, copied into `into` (reused when big enough, so a redraw does not allocate). */
  ordered(column: number, into?: Float64Array): Float64Array {
    const out = into && into.length >= this.size ? into.subarray(0, this.size) : new Float64Array(this.size);
    const source = this.columns[column]!;
    const firstPart = Math.min(this.size, this.capacity - this.head);
    out.set(source.subarray(this.head, this.head + firstPart), 0);
    if (firstPart < this.size) out.set(source.subarray(0, this.size - firstPart), firstPart);
    return out;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
    this.pushed = 0;
  }
}
