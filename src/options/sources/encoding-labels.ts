import type { TextEncoding } from '../../core/file-parsing/text-encoding.ts';
import type { MessageKey } from '../../ui/i18n.ts';

export const encodingLabels: Record<TextEncoding, MessageKey> = {
  'utf-8': 'encodingUtf8',
  'utf-16le': 'encodingUtf16le',
  'utf-16be': 'encodingUtf16be',
  'windows-1254': 'encodingWindows1254',
  'windows-1252': 'encodingWindows1252',
  'windows-1250': 'encodingWindows1250',
  'windows-1251': 'encodingWindows1251',
  'windows-1253': 'encodingWindows1253',
  'windows-1257': 'encodingWindows1257',
  macintosh: 'encodingMacintosh',
  shift_jis: 'encodingShiftJis',
  gb18030: 'encodingGb18030',
  big5: 'encodingBig5',
  'euc-kr': 'encodingEucKr',
};
