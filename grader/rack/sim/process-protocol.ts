/**
 * What a simulated board's process and its launcher share: the process's start configuration (passed
 * as JSON in argv) and the control frames launch.ts writes to the process's stdin to flash it.
 */
import { z } from 'zod';
import { faultSpecSchema } from './faults.js';

export const simProcessConfigSchema = z.strictObject({
  /** pty links to create: the host end (for the rack) and the board end (opened here). */
  hostLink: z.string().min(1),
  boardLink: z.string().min(1),
  board: z.strictObject({
    name: z.string().optional(),
    firmware: z.string().optional(),
    modelSlot: z.number().int().positive().optional(),
    maxArena: z.number().int().positive().optional(),
    chunk: z.number().int().positive().optional(),
    arithmetic: z.enum(['tflite', 'tflm', 'tflm-single']).optional(),
    speed: z.number().positive().optional(),
  }),
  faults: z.array(faultSpecSchema).default([]),
  seed: z.number().int().default(1),
});

export type SimProcessConfig = z.input<typeof simProcessConfigSchema>;

/** Control frame kinds on a board process's stdin (read by board-process.ts). */
export const FRAME_IMAGE = 1;
export const FRAME_HARNESS = 2;
/** Frame header: u32 sequence number, u8 kind, u32 payload length (little-endian). */
export const FRAME_HEADER = 9;
/** Larger than any flash (1 MB on a Nano 33 BLE): a bigger frame means a broken channel. */
export const MAX_FLASH_IMAGE = 16 * 1024 * 1024;

/** Modelled flash time: erase + write per 4 KiB page, plus the reset into the new firmware. */
export const FLASH_MS_PER_PAGE = 2;
export const FLASH_RESET_MS = 20;

/** One flash request as launch.ts writes it to the board process's stdin. */
export function encodeFlashFrame(seq: number, image: Uint8Array | 'harness'): Buffer {
  const payload = image === 'harness' ? new Uint8Array(0) : image;
  const frame = Buffer.alloc(FRAME_HEADER + payload.length);
  frame.writeUInt32LE(seq >>> 0, 0);
  frame.writeUInt8(image === 'harness' ? FRAME_HARNESS : FRAME_IMAGE, 4);
  frame.writeUInt32LE(payload.length, 5);
  frame.set(payload, FRAME_HEADER);
  return frame;
}
