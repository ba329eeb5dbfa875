# docs/tools/normalise.sed (sed -E) — what varies from one run of the same tree to the next, made
# equal before docs/tools/gen.sh --check compares a document with its regeneration: times, fds,
# ids (programs, maps, links, tracepoints, kernel BTF types), ifindexes, pids, the test's own
# names (they carry a pid), the size and type count of the kernel's BTF (another build of 6.18 has others), addresses, and the values CO-RE computes
# from the running kernel's BTF (another kernel build has other offsets); the display's change
# since the previous snapshot, "  (+25, 49.9/s)" and a sparkline after it (timing); the number of
# online CPUs (perf_event: one event and link each), the work tree's directory (uprobe.multi names
# build/uprobe_target by its absolute path) and function offsets in the system's libc.so.6.
s/[0-9][0-9]:[0-9][0-9]:[0-9][0-9]/HH:MM:SS/g
s/(^|[^A-Za-z_])(fd|id|ifindex|BPF_PSEUDO_MAP_FD|BPF_PSEUDO_MAP_VALUE|PMU type) -?[0-9]+/\1\2 N/g
s/(^|[^A-Za-z_])([a-z_]*fd|[a-z_]*ifindex|ifi_index|IFLA_XDP_FD|IFLA_XDP_EXPECTED_FD|TCA_BPF_FD|pid|ppid|id|config|attach_btf_id|btf_vmlinux_value_type_id|load_time)=-?[0-9]+/\1\2=N/g
s/(perf_event_open\(\{type=)0x[0-9a-f]+/\1N/
s/^(close|read|ioctl|sendto|mmap|munmap)\([0-9]+/\1(N/
s/(MAP_SHARED, |MAP_PRIVATE, )[0-9]+/\1N/
s/(PERF_EVENT_IOC_[A-Z_]+, )[0-9]+/\1N/
s/\) = [0-9]+$/) = N/
s/"[0-9]+\\n"/"N\\n"/g
s/(mmap\(NULL, )[0-9]+(, PROT_READ, MAP_PRIVATE)/\1N\2/
s/[0-9]+ bytes, (mapped|mmap refused)/N bytes, \1/g
s/kernel BTF: [0-9]+ types/kernel BTF: N types/
s/(CO-RE [a-z_]+ .*: [0-9]+ -> )[0-9]+/\1N/
s/net:\[[0-9]+\]/net:[N]/g
s/rawload-runs-[0-9]+/rawload-runs-PID/g
s/\/sys\/fs\/cgroup(\/unified)?\//\/sys\/fs\/cgroup\//g
s/0x[0-9a-f]{10,}/0x.../g
s/nlmsg_seq=[0-9]{5,}/nlmsg_seq=N/g
s/rl_c[cl]_[0-9]{9}/rl_cX_PID/g
s/  \([^()]*\)( [^ ()]*)?$//
s/[0-9]+ online CPUs?,/N online CPUs,/
s/closing [0-9]+ links\/events/closing N links\/events/
s#/[^ :'"]+/build/#/TREE/build/#g
/u(ret)?probe\.multi: /s/ at 0x[0-9a-f]+/ at 0xN/g
