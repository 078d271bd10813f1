/**
 * Find a Nano 33 BLE by its USB serial number: many kits share VID:PID 2341:805A, so the port name
 * (/dev/ttyACM0, …) is not an identity; it changes with plug order.
 */
import { SerialPort } from 'serialport';

export const NANO33BLE_USB = { vendorId: '2341', productId: '805a' } as const;

export interface UsbPort {
  path: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

/** Pure: the port of the board with this serial number among listed ports. */
export function pickPort(ports: readonly UsbPort[], serialNumber: string): string | null {
  const match = ports.find(
    (p) => p.vendorId?.toLowerCase() === NANO33BLE_USB.vendorId && p.productId?.toLowerCase() === NANO33BLE_USB.productId && p.serialNumber?.toLowerCase() === serialNumber.toLowerCase(),
  );
  return match?.path ?? null;
}

export async function findPortBySerial(serialNumber: string): Promise<string | null> {
  return pickPort((await SerialPort.list()), serialNumber);
}
