#define _GNU_SOURCE
#include "AllocationCounter.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);

static uint64_t allocations;
static char count_path[4096];
static char temporary_path[4096 + 8];

static inline void counted(void) { __atomic_fetch_add(&allocations, 1, __ATOMIC_RELAXED); }

uint64_t sb_allocation_count(void) { return __atomic_load_n(&allocations, __ATOMIC_RELAXED); }

void *malloc(size_t size) { counted(); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { counted(); return __libc_calloc(count, size); }
void *memalign(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
void *valloc(size_t size) { counted(); return __libc_valloc(size); }

/* A resize counts as an allocation, a realloc to size 0 (a free) does not. */
void *realloc(void *pointer, size_t size) {
    if (size > 0) counted();
    return __libc_realloc(pointer, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    counted();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size > 0) return ENOMEM;
    *result = pointer;
    return 0;
}

/* Async-signal-safe: open, write, close and rename only. */
static void write_count(int signal_number) {
    (void)signal_number;
    int saved_errno = errno;
    char digits[24];
    int length = 0;
    uint64_t value = sb_allocation_count();
    do { digits[sizeof digits - 1 - length++] = (char)('0' + value % 10); value /= 10; } while (value > 0);
    int fd = open(temporary_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ssize_t written = write(fd, digits + sizeof digits - length, (size_t)length);
        close(fd);
        if (written == length) rename(temporary_path, count_path);
    }
    errno = saved_errno;
}

__attribute__((constructor)) static void install(void) {
    const char *path = getenv("SWITCHBOARD_ALLOCATION_COUNT_FILE");
    if (path == NULL || path[0] == 0 || strlen(path) >= sizeof count_path) return;
    strcpy(count_path, path);
    strcpy(temporary_path, path);
    strcat(temporary_path, ".tmp");
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = write_count;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR2, &action, NULL);
}
