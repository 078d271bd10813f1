/** What an uploaded file is, judged from its first bytes (never from its name). */
export type FileKind = 'tflite' | 'elf' | 'ihex' | 'unknown';

/** Bytes needed by {@link sniffFileKind}. */
export const SNIFF_BYTES = 16;

/**
 * TFLite flatbuffers carry the identifier "TFL3" at bytes 4–7; ELF starts with 0x7F "ELF"; Intel HEX
 * is ASCII records starting with ':' followed by hex digits.
 */
export function sniffFileKind(head: Uint8Array): FileKind {
  if (head.length >= 8 && head[4] === 0x54 && head[5] === 0x46 && head[6] === 0x4c && head[7] === 0x33) return 'tflite';
  if (head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) return 'elf';
  if (head.length >= 9 && head[0] === 0x3a) {
    let hex = true;
    for (let i = 1; i < 9; i++) {
      const c = head[i]!;
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) hex = false;
    }
    if (hex) return 'ihex';
  }
  return 'unknown';
}

const FIRMWARE_NAME = /\.(bin|hex|ihex|elf)$/i;

/**
 * The one firmware detector: ELF and Intel HEX are recognised by content; a raw `.bin` (no header to
 * sniff) only by its name. Anything else is taken as a model.
 */
export function isFirmwareUpload(kind: FileKind, fileName: string): boolean {
  return kind === 'elf' || kind === 'ihex' || (kind !== 'tflite' && FIRMWARE_NAME.test(fileName));
}

const KIND_LABEL = { tflite: 'TFLite model', elf: 'ELF firmware', ihex: 'Intel HEX firmware', unknown: 'unrecognised file' } as const;

/** What an upload is, as people read it ("TFLite model", "raw firmware image", …). */
export function uploadLabel(kind: FileKind, fileName: string): string {
  return kind === 'unknown' && isFirmwareUpload(kind, fileName) ? 'raw firmware image' : KIND_LABEL[kind];
}
