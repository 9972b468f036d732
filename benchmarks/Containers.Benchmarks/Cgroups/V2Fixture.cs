namespace Containers.Benchmarks.Cgroups;

/// <summary>cgroup v2 stat files as Linux 6.x writes them.</summary>
internal static class V2Fixture
{
    internal static void Write(string directory)
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
            + "pgfault 4275\npgmajfault 0\npgrefill 0\npgscan 0\npgsteal 0\npgactivate 405\npgdeactivate 0\n");
        Write(directory, "memory.events", "low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\noom_group_kill 0\n");
        Write(directory, "cpu.stat",
            "usage_usec 40000123\nuser_usec 30000001\nsystem_usec 10000122\nnr_periods 419\nnr_throttled 393\n"
            + "throttled_usec 36123456\nnr_bursts 0\nburst_usec 0\n");
        Write(directory, "pids.current", "3\n");
        Write(directory, "pids.max", "max\n");
        Write(directory, "io.stat", "254:0 rbytes=1048576 wbytes=8192 rios=17 wios=2 dbytes=0 dios=0\n");
    }

    private static void Write(string directory, string name, string text) => File.WriteAllText(Path.Join(directory, name), text);
}
