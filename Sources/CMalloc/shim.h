/* glibc's malloc tuning (mallopt): Swift's Glibc module does not include <malloc.h>. */
#include <malloc.h>
