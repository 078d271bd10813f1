/*
 * A learner's firmware for TinyArena's virtual board (QEMU mps2-an386, Cortex-M4F): boot, load the
 * model, then answer the MLPerf Tiny protocol on UART0 forever. See README.md.
 */
#include "../mps2/board.h"
#include "ee_protocol.h"
#include "submitter.h"

int main(void) {
  board_init();
  th_final_initialize();
  ee_boot();
  for (;;) {
    int c;
    while ((c = board_getc()) >= 0) ee_feed((char)c);
    board_wait_for_input();
  }
}
