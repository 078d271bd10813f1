/*
 * The few newlib system calls a bare-metal image needs: a heap between the end of .bss and the stack
 * (printf's buffers), and stdout/stderr on UART0 (so the template's printf reaches the host).
 */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

#include "board.h"

extern char __heap_start, __heap_end;

void* _sbrk(ptrdiff_t incr) {
  static char* brk = &__heap_start;
  if (incr > &__heap_end - brk || incr < &__heap_start - brk) {
    errno = ENOMEM;
    return (void*)-1;
  }
  char* old = brk;
  brk += incr;
  return old;
}

int _write(int fd, const char* buf, int len) {
  if (fd != 1 && fd != 2) {
    errno = EBADF;
    return -1;
  }
  board_write(buf, (size_t)len);
  return len;
}

int _read(int fd, char* buf, int len) {
  (void)fd;
  (void)buf;
  (void)len;
  errno = ENOSYS;
  return -1;
}

int _close(int fd) {
  (void)fd;
  return -1;
}

int _fstat(int fd, struct stat* st) {
  (void)fd;
  st->st_mode = S_IFCHR;
  return 0;
}

int _isatty(int fd) { return fd <= 2; }

int _lseek(int fd, int off, int whence) {
  (void)fd;
  (void)off;
  (void)whence;
  return 0;
}

void _exit(int code) {
  (void)code;
  board_reset();
}

int _kill(int pid, int sig) {
  (void)pid;
  (void)sig;
  errno = EINVAL;
  return -1;
}

int _getpid(void) { return 1; }

/* __libc_init_array calls _init after the preinit and before the init arrays (crti is not linked). */
void _init(void) {}
void _fini(void) {}
