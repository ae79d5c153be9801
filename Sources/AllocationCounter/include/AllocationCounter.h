#ifndef SWITCHBOARD_ALLOCATION_COUNTER_H
#define SWITCHBOARD_ALLOCATION_COUNTER_H

/* An LD_PRELOAD library that counts heap allocations (malloc, calloc, realloc, posix_memalign,
   aligned_alloc, memalign, valloc) in the process it is loaded into, for the allocation budget test
   and `make bench`. On SIGUSR2 it writes the count so far, in decimal, to the file named by
   SWITCHBOARD_ALLOCATION_COUNT_FILE (through a temporary file and a rename, so a reader never sees
   half a number). glibc only: it forwards to glibc's own __libc_* entry points. */

#include <stdint.h>

/* Allocations counted since the library was loaded. */
uint64_t sb_allocation_count(void);

#endif
