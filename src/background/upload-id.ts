/** An upload is named by its source and generation, so pages of an old upload cannot land in a new one. */
export const uploadIdOf = (id: string, generation: number) => `${id}/${generation}`;

/** The source and generation an upload id names; null when it names none. */
export function parseUploadId(uploadId: string): { id: string; generation: number } | null {
  const at = uploadId.lastIndexOf('/');
  const generation = Number(uploadId.slice(at + 1));
  if (at <= 0 || !Number.isInteger(generation)) return null;
  return { id: uploadId.slice(0, at), generation };
}
