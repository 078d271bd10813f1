/*
 * Test-only: the smallest Nano 33 BLE application the real toolchain links (nrf52840.ld: flash after
 * the 64 KB bootloader, 256 KB RAM), so the firmware-submission checks are tried on a genuine
 * arm-none-eabi ELF rather than only on images the tests write themselves.
 */
#include <stdint.h>

#ifndef SCRATCH_BYTES
#define SCRATCH_BYTES 4096
#endif

extern uint32_t __stack_top;
static volatile uint32_t counter;
static volatile uint8_t scratch[SCRATCH_BYTES];  // .bss
static volatile uint32_t seeded = 42;            // .data

void Reset_Handler(void) {
  for (;;) {
    counter += seeded + scratch[counter % SCRATCH_BYTES];
  }
}
void Default_Handler(void) {
  for (;;) {
  }
}

__attribute__((section(".isr_vector"), used)) const void* const vectors[16 + 48] = {
    &__stack_top, (const void*)Reset_Handler, (const void*)Default_Handler, (const void*)Default_Handler,
};
