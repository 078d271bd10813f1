/*
 * The MLPerf Tiny (EEMBC EnergyRunner) device-under-test protocol, as TinyArena's rack speaks it
 * (firmware/PROTOCOL.md, "Base commands"): `name`, `profile`, `timestamp`, `db load <N>`, `db <hex>`,
 * `infer <N> <W>`, `results`. Commands end with '%'; every reply ends with `m-ready`. Written for
 * TinyArena's template; it calls the th_* hooks of submitter.h, which hold everything model-specific.
 */
#ifndef EE_PROTOCOL_H
#define EE_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

/** Largest `db load` (bytes): a VWW image (96x96x3) or an AD window (640 float32) fits. */
#define EE_INPUT_MAX (96 * 96 * 3)

/** Print the boot lines (timestamp mode, a stamp, m-init-done, m-ready). */
void ee_boot(void);

/** Feed one received byte; a complete command runs at '%'. */
void ee_feed(char c);

/** The bytes of the last complete `db` load (what th_load_tensor converts). */
const uint8_t* ee_input(size_t* size);

#endif
