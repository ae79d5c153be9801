/* The system libzstd (Debian's libzstd-dev): decodes `Content-Encoding: zstd` request bodies. */
#include <zstd.h>
