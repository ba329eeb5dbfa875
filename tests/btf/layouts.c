/* tests/btf/layouts.c — a target BTF for the --btf tests: a kernel type name with a layout unlike
 * any kernel's. clang -g -target bpfel/bpfeb compiles it into an object whose .BTF describes it
 * (the ELF form of the fixture, in both byte orders); that section dumped alone is the raw form.
 * Offsets (8-byte long and pointers): tgid 40, pid 44, comm 48 (16 bytes), real_parent 64,
 * rawload_layout_marker 72; size 80. No kernel has rawload_layout_marker. */
struct task_struct {
	long rawload_pad[5];
	int tgid;
	int pid;
	char comm[16];
	struct task_struct *real_parent;
	int rawload_layout_marker;
};

struct task_struct *rawload_layouts_task;
