export { type Delimiter, detectDelimiter, detectFormat, type FileFormat } from './detect-format.ts';
export { type ParseFileOptions, parseFile } from './parse-file.ts';
export {
  type FileErrorCode,
  FileParseError,
  type ParsedPage,
  type ParsedRow,
  type RecordError,
  type RecordErrorReason,
} from './parsed-page.ts';
export type { ByteSource } from './text-chunks.ts';
export { detectEncoding, type TextEncoding, textEncodings } from './text-encoding.ts';
