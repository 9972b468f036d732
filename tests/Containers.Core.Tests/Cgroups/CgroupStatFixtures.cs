namespace Containers.Core.Tests.Cgroups;

/// <summary>Stat files as Linux 6.x writes them, for a cgroup v2 directory and for v1 controller directories.</summary>
internal static class CgroupStatFixtures
{
    internal static void WriteV2(string directory)
    {
        Write(directory, "memory.current", "7213056\n");
        Write(directory, "memory.max", "67108864\n");
        Write(directory, "memory.peak", "9437184\n");
        Write(directory, "memory.stat",
            "anon 3244032\nfile 2838528\nkernel 770048\nkernel_stack 49152\npagetables 122880\nsec_pagetables 0\n"
            + "percpu 0\nsock 0\nvmalloc 0\nshmem 0\nzswap 0\nzswapped 0\nfile_mapped 1658880\nfile_dirty 0\n"
            + "file_writeback 0\nswapcached 0\nanon_thp 0\nfile_thp 0\nshmem_thp 0\ninactive_anon 3231744\n"
            + "active_anon 12288\ninactive_file 1179648\nactive_file 1658880\nunevictable 0\nslab_reclaimable 258752\n"
            + "slab_unreclaimable 300184\nslab 558936\nworkingset_refault_anon 0\nworkingset_refault_file 0\n"
            + "pgfault 4275\npgmajfault 0\npgrefill 0\npgscan 0\npgsteal 0\npgactivate 405\npgdeactivate 0\n"
            + "pglazyfree 0\npglazyfreed 0\nthp_fault_alloc 0\nthp_collapse_alloc 0\n");
        Write(directory, "memory.events", "low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\noom_group_kill 0\n");
        Write(directory, "cpu.stat",
            "usage_usec 40000123\nuser_usec 30000001\nsystem_usec 10000122\ncore_sched.force_idle_usec 0\n"
            + "nr_periods 419\nnr_throttled 393\nthrottled_usec 36123456\nnr_bursts 0\nburst_usec 0\n");
        Write(directory, "pids.current", "3\n");
        Write(directory, "pids.max", "max\n");
        Write(directory, "io.stat",
            "254:0 rbytes=1048576 wbytes=8192 rios=17 wios=2 dbytes=0 dios=0\n"
            + "7:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
    }

    internal static void WriteV1(string directory)
    {
        Write(directory, "memory.usage_in_bytes", "3530752\n");
        Write(directory, "memory.limit_in_bytes", "9223372036854771712\n");
        Write(directory, "memory.max_usage_in_bytes", "5357568\n");
        Write(directory, "memory.failcnt", "4\n");
        Write(directory, "memory.stat",
            "cache 200000\nrss 100000\nrss_huge 0\nshmem 0\nmapped_file 12288\ndirty 20480\nwriteback 0\nswap 0\n"
            + "pgpgin 17692\npgpgout 17163\npgfault 42794\npgmajfault 9\ninactive_anon 1724416\nactive_anon 16384\n"
            + "inactive_file 114688\nactive_file 204800\nunevictable 0\nhierarchical_memory_limit 9223372036854771712\n"
            + "hierarchical_memsw_limit 9223372036854771712\ntotal_cache 319488\ntotal_rss 1863680\ntotal_rss_huge 0\n"
            + "total_shmem 0\ntotal_mapped_file 12288\n");
        Write(directory, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        Write(directory, "cpuacct.usage", "11873914706\n");
        Write(directory, "cpuacct.stat", "user 859\nsystem 328\n");
        Write(directory, "cpu.stat", "nr_periods 12\nnr_throttled 9\nthrottled_time 812345678\nnr_bursts 0\nburst_time 0\n");
        Write(directory, "pids.current", "4\n");
        Write(directory, "pids.max", "5\n");
        Write(directory, "blkio.throttle.io_service_bytes_recursive",
            "254:0 Read 4096\n254:0 Write 65536\n254:0 Sync 69632\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 69632\n"
            + "7:0 Read 12288\n7:0 Write 0\n7:0 Sync 12288\n7:0 Async 0\n7:0 Discard 0\n7:0 Total 12288\nTotal 81920\n");
        Write(directory, "blkio.throttle.io_serviced_recursive",
            "254:0 Read 1\n254:0 Write 16\n254:0 Sync 17\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 17\n"
            + "7:0 Read 3\n7:0 Write 0\n7:0 Sync 3\n7:0 Async 0\n7:0 Discard 0\n7:0 Total 3\nTotal 20\n");
    }

    private static void Write(string directory, string name, string text) => File.WriteAllText(Path.Join(directory, name), text);
}
