/*
 * Board support for the Arm MPS2 + AN386 (Cortex-M4F) as QEMU's `mps2-an386` machine models it:
 * the CMSDK APB UART0 (host serial link, receive interrupt into a ring buffer), the CMSDK APB TIMER0
 * (a 25 MHz tick count) and system reset. Written for TinyArena's virtual board; the firmware
 * template (../template/) uses it too. No vendor headers: the few registers are defined here.
 *
 * Time: the 25 MHz timer runs on QEMU's virtual clock. Under `-icount shift=0` the virtual clock
 * advances exactly 1 ns per executed instruction, so one tick is 40 instructions and the tick count
 * measures instructions deterministically, whatever the host's speed.
 */
#ifndef MPS2_BOARD_H
#define MPS2_BOARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Timer clock (SYSCLK of the AN386 image). */
#define BOARD_TICK_HZ 25000000u
/** Instructions per tick under `-icount shift=0` (1 ns per instruction, 40 ns per tick). */
#define BOARD_INSTRUCTIONS_PER_TICK 40u

/** Clocks, UART0 at 115200 8N1 with its receive interrupt, TIMER0. Call once at start. */
void board_init(void);

/** Write bytes to UART0 (blocking while the transmitter is full). */
void board_write(const char* data, size_t n);
void board_puts(const char* s);

/** Next received byte, or -1 when none is waiting. */
int board_getc(void);

/** Sleep until an interrupt (a received byte) unless a byte is already waiting. */
void board_wait_for_input(void);

/** 64-bit tick count since board_init (25 MHz). */
uint64_t board_ticks(void);

/** Microseconds since board_init (the low 32 bits wrap, as MLPerf Tiny's timestamps do). */
uint32_t board_micros(void);

/** System reset through the NVIC (QEMU reboots the machine and reloads the image). */
void board_reset(void) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif
