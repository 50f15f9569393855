/** Which slice of the environment's customer universe a segment holds: members are `[start, start + size)`. */
export interface SegmentMembership {
  readonly seed: number;
  start: number;
  size: number;
}

export function segmentSize(segment: SegmentMembership): number {
  return segment.size;
}
