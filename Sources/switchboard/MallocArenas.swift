#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// glibc gives a busy multi-threaded process up to 8 malloc arenas per core, and memory freed in one
/// arena is not reused by threads on another: a usage round over 10,000 accounts left ~20 MB free but
/// held across arenas (idle RSS 102 MB; with one arena per core 92 MB, the same request throughput;
/// BENCHMARKS.md, k). `MALLOC_ARENA_MAX` in the environment still wins.
enum MallocArenas {
    static func limitToOnePerCore() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        _ = mallopt(M_ARENA_MAX, Int32(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        #endif
    }
}
