/** The key and product definition the benchmark's servers share. */
export const BENCH_KEY = "bench-basic-key-0123456789";

/** The product the benchmark's koogate serves at /produce/bench. */
export const BENCH_PRODUCT_YAML = [
  "id: bench",
  "name: Benchmark product",
  "kind: saas",
  "adapter: BenchSaasAdapter",
  "keys:",
  "  basic: [BENCH_BASIC_KEY]",
  "  kit: [BENCH_KIT_KEY]",
  "",
].join("\n");
