/* See board.h. Register maps: ARM DDI0479 (CMSDK APB UART, APB timer) and the ARMv7-M NVIC/SCB. */
#include "board.h"

#define REG(addr) (*(volatile uint32_t*)(addr))

#define UART0 0x40004000u
#define UART_DATA REG(UART0 + 0x00)
#define UART_STATE REG(UART0 + 0x04)
#define UART_CTRL REG(UART0 + 0x08)
#define UART_INTSTATUS REG(UART0 + 0x0C)
#define UART_BAUDDIV REG(UART0 + 0x10)
#define UART_STATE_TXFULL 1u
#define UART_STATE_RXFULL 2u
#define UART_CTRL_TX_EN 1u
#define UART_CTRL_RX_EN 2u
#define UART_CTRL_RX_INTEN 8u
#define UART_INT_RX 2u

#define TIMER0 0x40000000u
#define TIMER_CTRL REG(TIMER0 + 0x00)
#define TIMER_VALUE REG(TIMER0 + 0x04)
#define TIMER_RELOAD REG(TIMER0 + 0x08)
#define TIMER_INTCLEAR REG(TIMER0 + 0x0C)
#define TIMER_CTRL_EN 1u
#define TIMER_CTRL_IRQ_EN 8u

#define NVIC_ISER0 REG(0xE000E100u)
#define SCB_AIRCR REG(0xE000ED0Cu)

#define IRQ_UART0_RX 0
#define IRQ_TIMER0 8

/* Received bytes: written by the interrupt, read by the main loop (single producer, single consumer). */
#define RX_SIZE 4096u
static volatile uint8_t rx_buf[RX_SIZE];
static volatile uint32_t rx_head, rx_tail;

/* Tick accounting: the 32-bit down-counter's wraps, and the last value seen. */
static volatile uint32_t ticks_high;
static volatile uint32_t last_value;

void Uart0Rx_Handler(void) {
  /* Clear first, then drain: a byte landing after the last read raises the interrupt again. (Clearing
   * after draining would lose it, and the UART would hold it forever: it takes one byte at a time.) */
  UART_INTSTATUS = UART_INT_RX;
  while (UART_STATE & UART_STATE_RXFULL) {
    uint8_t c = (uint8_t)UART_DATA;
    uint32_t next = (rx_head + 1u) % RX_SIZE;
    /* A full ring drops the byte; the host's stop-and-wait never sends that much at once. */
    if (next != rx_tail) {
      rx_buf[rx_head] = c;
      rx_head = next;
    }
  }
}

static uint64_t ticks_locked(void) {
  uint32_t v = TIMER_VALUE;
  /* The counter counts down from 0xffffffff: a larger value than last time means it wrapped. */
  if (v > last_value) ticks_high++;
  last_value = v;
  return ((uint64_t)ticks_high << 32) | (uint32_t)(0xffffffffu - v);
}

void Timer0_Handler(void) {
  TIMER_INTCLEAR = 1u;
  (void)ticks_locked();
}

void board_init(void) {
  rx_head = rx_tail = 0;
  ticks_high = 0;
  last_value = 0xffffffffu;
  TIMER_CTRL = 0;
  TIMER_RELOAD = 0xffffffffu;
  TIMER_VALUE = 0xffffffffu;
  TIMER_CTRL = TIMER_CTRL_EN | TIMER_CTRL_IRQ_EN;
  UART_BAUDDIV = BOARD_TICK_HZ / 115200u;
  UART_CTRL = UART_CTRL_TX_EN | UART_CTRL_RX_EN | UART_CTRL_RX_INTEN;
  NVIC_ISER0 = (1u << IRQ_UART0_RX) | (1u << IRQ_TIMER0);
  __asm volatile("cpsie i" ::: "memory");
}

void board_write(const char* data, size_t n) {
  for (size_t i = 0; i < n; i++) {
    while (UART_STATE & UART_STATE_TXFULL) {
    }
    UART_DATA = (uint8_t)data[i];
  }
}

void board_puts(const char* s) {
  size_t n = 0;
  while (s[n]) n++;
  board_write(s, n);
}

int board_getc(void) {
  if (rx_tail == rx_head) return -1;
  uint8_t c = rx_buf[rx_tail];
  rx_tail = (rx_tail + 1u) % RX_SIZE;
  return c;
}

void board_wait_for_input(void) {
  /*
   * With interrupts masked, WFI still wakes on a pending interrupt: no byte can slip in between.
   * (Under -icount QEMU wakes its main loop whenever the core sleeps; that is what fetches the
   * next byte from the host, since its CMSDK UART model takes one at a time.)
   */
  __asm volatile("cpsid i" ::: "memory");
  if (rx_tail == rx_head && !(UART_STATE & UART_STATE_RXFULL)) __asm volatile("wfi");
  __asm volatile("cpsie i" ::: "memory");
}

uint64_t board_ticks(void) {
  uint32_t primask;
  __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
  uint64_t t = ticks_locked();
  __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
  return t;
}

uint32_t board_micros(void) { return (uint32_t)(board_ticks() / (BOARD_TICK_HZ / 1000000u)); }

void board_reset(void) {
  __asm volatile("dsb" ::: "memory");
  SCB_AIRCR = (0x5FAu << 16) | (1u << 2); /* VECTKEY | SYSRESETREQ */
  __asm volatile("dsb" ::: "memory");
  for (;;) {
  }
}
