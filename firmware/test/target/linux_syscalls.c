/*
 * Test-only: newlib's system calls as Linux ARM EABI syscalls, so the harness core's unit tests,
 * cross-compiled for the Cortex-M4 (Thumb-2, FPv4-SP, newlib as on the Nano 33 BLE), run as a
 * process under qemu-arm in CI. Not part of the firmware.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

static long sys3(long n, long a, long b, long c) {
  register long r0 __asm__("r0") = a;
  register long r1 __asm__("r1") = b;
  register long r2 __asm__("r2") = c;
  register long r7 __asm__("r7") = n;
  __asm__ volatile("svc #0" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r7) : "memory");
  return r0;
}

enum { SYS_EXIT = 1, SYS_READ = 3, SYS_WRITE = 4, SYS_BRK = 45 };

int _write(int fd, const char* buf, int len) { return (int)sys3(SYS_WRITE, fd, (long)buf, len); }
int _read(int fd, char* buf, int len) { return (int)sys3(SYS_READ, fd, (long)buf, len); }
void _exit(int code) {
  for (;;) sys3(SYS_EXIT, code, 0, 0);
}
void* _sbrk(ptrdiff_t inc) {
  static long cur = 0;
  if (!cur) cur = sys3(SYS_BRK, 0, 0, 0);
  long want = cur + inc;
  if (sys3(SYS_BRK, want, 0, 0) != want) {
    errno = ENOMEM;
    return (void*)-1;
  }
  long old = cur;
  cur = want;
  return (void*)old;
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
int _isatty(int fd) {
  (void)fd;
  return 1;
}
int _lseek(int fd, int off, int whence) {
  (void)fd;
  (void)off;
  (void)whence;
  return 0;
}
int _kill(int pid, int sig) {
  (void)pid;
  (void)sig;
  errno = EINVAL;
  return -1;
}
int _getpid(void) { return 1; }
/* libstdc++'s random_device links against it; the tests never use it. */
int getentropy(void* buf, size_t n) {
  (void)buf;
  (void)n;
  errno = ENOSYS;
  return -1;
}

/* Entry under qemu-arm: the kernel ABI already set up the stack and zeroed .bss. */
extern int main(int, char**);
extern void __libc_init_array(void);
extern void exit(int);
void* __dso_handle = 0;
void _init(void) {}
void _fini(void) {}
void _start(void) {
  __libc_init_array();
  exit(main(0, NULL));
}
