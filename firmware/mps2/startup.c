/*
 * Cortex-M4F start-up for the MPS2 AN386: the vector table (placed at 0x00000000 by the linker
 * script, where the core reads it at reset), the reset handler (copy .data, zero .bss, enable the
 * FPU, run C/C++ constructors, call main) and default handlers. A fault prints one line on UART0 and
 * resets the board, so a firmware bug never leaves a board silently stuck.
 */
#include <stdint.h>

#include "board.h"

extern uint32_t __stack_top, __data_start, __data_end, __data_load, __bss_start, __bss_end;
extern int main(void);
extern void __libc_init_array(void);

void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void Uart0Rx_Handler(void) __attribute__((weak, alias("Default_Handler")));
void Timer0_Handler(void) __attribute__((weak, alias("Default_Handler")));


#define SCB_CPACR (*(volatile uint32_t*)0xE000ED88u)

void Reset_Handler(void) {
  /* FPU: full access to CP10/CP11 before any floating-point instruction runs. */
  SCB_CPACR |= 0xFu << 20;
  __asm volatile("dsb\n isb" ::: "memory");
  uint32_t* src = &__data_load;
  for (uint32_t* dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (uint32_t* dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
  __libc_init_array();
  main();
  for (;;) {
  }
}

void Default_Handler(void) {
  board_puts("fault: unexpected interrupt; resetting\r\n");
  board_reset();
}

void HardFault_Handler(void) {
  board_puts("fault: hard fault; resetting\r\n");
  board_reset();
}

/* 16 system exceptions, then the AN386's 32 interrupts (UART0 receive is IRQ 0, TIMER0 IRQ 8). */
__attribute__((section(".isr_vector"), used)) void (*const vector_table[16 + 32])(void) = {
    (void (*)(void))(&__stack_top),
    Reset_Handler,
    Default_Handler,   /* NMI */
    HardFault_Handler, /* HardFault */
    HardFault_Handler, /* MemManage */
    HardFault_Handler, /* BusFault */
    HardFault_Handler, /* UsageFault */
    0, 0, 0, 0,
    Default_Handler, /* SVCall */
    Default_Handler, /* DebugMonitor */
    0,
    Default_Handler, /* PendSV */
    Default_Handler, /* SysTick */
    Uart0Rx_Handler, /* IRQ 0 */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Timer0_Handler, /* IRQ 8 */
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler, Default_Handler,
};
