# Writes data/engines/*-args.json from the flag tables below, transcribed by hand from the engines' argument-parser
# source at the commits named in each file (see data/engines/README.md). Run: python3 scripts/engine-args/write-engine-args.py
import json
def F(names, typ, choices=None, value=None, note=None):
    names = names.split()
    d = {"names": names, "type": typ}
    if choices: d["choices"] = choices
    d["takes_value"] = (typ != "bool") if value is None else value
    if note: d["note"] = note
    return d
def boolopt(n):  # argparse.BooleanOptionalAction: --x and --no-x
    return F(f"--{n} --no-{n}", "bool")
def sf(n): return F(f"--{n}", "bool")  # store_true
import os
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "engines") + os.sep
date = "2026-12-03"

# ---------------- vLLM ----------------
V = []
I = lambda s: [V.append(F(x.replace(",", " "), "int")) for x in s.split()]
S = lambda s: [V.append(F(x.replace(",", " "), "str")) for x in s.split()]
Fl = lambda s: [V.append(F(x.replace(",", " "), "float")) for x in s.split()]
J = lambda s: [V.append(F(x.replace(",", " "), "json")) for x in s.split()]
B = lambda s: [V.append(boolopt(x)) for x in s.split()]
T = lambda s: [V.append(sf(x)) for x in s.split()]
# ModelConfig group
S("--model --runner --convert --task --tokenizer --tokenizer-mode --dtype --hf-config-path --allowed-local-media-path --allowed-media-domains --revision --code-revision --tokenizer-revision --quantization,-q --logprobs-mode --served-model-name --config-format --logits-processor-pattern --generation-config --model-impl --override-attention-dtype --logits-processors --io-processor-plugin")
B("trust-remote-code enforce-eager disable-sliding-window disable-cascade-attn skip-tokenizer-init enable-prompt-embeds enable-sleep-mode")
I("--seed --max-model-len --max-logprobs")
Fl("--rope-theta")
J("--rope-scaling --hf-overrides --pooler-config --override-pooler-config --override-generation-config")
V.append(F("--hf-token", "str", note="nargs='?', const=True: the value is optional"))
# LoadConfig
S("--load-format --download-dir --safetensors-load-strategy --ignore-patterns --pt-load-map-location")
J("--model-loader-extra-config"); B("use-tqdm-on-load")
# StructuredOutputsConfig
S("--reasoning-parser --guided-decoding-backend --guided-decoding-disable-fallback --guided-decoding-disable-any-whitespace --guided-decoding-disable-additional-properties")
# ParallelConfig
V.append(F("--distributed-executor-backend", "str"))
I("--pipeline-parallel-size,-pp --tensor-parallel-size,-tp --decode-context-parallel-size,-dcp --data-parallel-size,-dp --data-parallel-rank,-dpn --data-parallel-start-rank,-dpr --data-parallel-size-local,-dpl --data-parallel-rpc-port,-dpp")
S("--data-parallel-address,-dpa --data-parallel-backend,-dpb --all2all-backend --expert-placement-strategy --worker-cls --worker-extension-cls")
B("data-parallel-hybrid-lb enable-expert-parallel enable-dbo disable-nccl-for-dp-synchronization enable-eplb eplb-log-balancedness ray-workers-use-nsight disable-custom-all-reduce")
I("--dbo-decode-token-threshold --dbo-prefill-token-threshold --num-redundant-experts --eplb-window-size --eplb-step-interval --max-parallel-loading-workers")
J("--eplb-config"); T("enable-multimodal-encoder-data-parallel")
# CacheConfig
I("--block-size --kv-cache-memory-bytes --num-gpu-blocks-override --mamba-block-size")
Fl("--gpu-memory-utilization --swap-space --cpu-offload-gb")
S("--kv-cache-dtype --prefix-caching-hash-algo --mamba-cache-dtype --mamba-ssm-cache-dtype")
B("enable-prefix-caching calculate-kv-scales kv-sharing-fast-prefill")
# MultiModalConfig
J("--limit-mm-per-prompt --media-io-kwargs --mm-processor-kwargs"); B("enable-mm-embeds interleave-mm-strings skip-mm-profiling")
Fl("--mm-processor-cache-gb --video-pruning-rate"); T("disable-mm-preprocessor-cache")
S("--mm-processor-cache-type --mm-encoder-tp-mode --mm-encoder-attn-backend"); I("--mm-shm-cache-max-object-size-mb")
# LoRAConfig
B("enable-lora fully-sharded-loras"); I("--max-loras --max-lora-rank --lora-extra-vocab-size --max-cpu-loras"); S("--lora-dtype"); J("--default-mm-loras")
# ObservabilityConfig
S("--show-hidden-metrics-for-version --otlp-traces-endpoint --collect-detailed-traces")
# SchedulerConfig
I("--max-num-batched-tokens --max-num-seqs --max-num-partial-prefills --max-long-partial-prefills --long-prefill-token-threshold --num-lookahead-slots")
S("--scheduling-policy --scheduler-cls"); J("--external_parameters")
B("enable-chunked-prefill disable-chunked-mm-input disable-hybrid-kv-cache-manager async-scheduling")
# CompilationConfig
V.append(F("--cudagraph-capture-sizes", "str", note="list of ints")); V.append(F("--cuda-graph-sizes", "str", note="deprecated, list of ints")); I("--max-cudagraph-capture-size")
# VllmConfig
J("--speculative-config --kv-transfer-config --kv-events-config --compilation-config,-O --additional-config --structured-outputs-config")
T("disable-log-stats aggregate-engine-logging")
# front end (vllm serve), not from arg_utils.py
for f in [F("--host", "str"), F("--port", "int"), F("--api-server-count", "int")]:
    f["source"] = "front end of vllm serve, defined in vllm/entrypoints/openai/cli_args.py (not read); --api-server-count is named and read as args.api_server_count in vllm/entrypoints/cli/serve.py at 00a5fdd20935ba7679750db22997dcf539ca4591"
    V.append(f)
# --headless: a switch (the non-leader nodes of multi-node data parallelism); serve.py at the same commit reads args.headless
h = F("--headless", "bool", value=False)
h["source"] = "front end of vllm serve, defined in vllm/entrypoints/openai/cli_args.py (not read); read as args.headless ('--api-server-count ... cannot be used with --headless') in vllm/entrypoints/cli/serve.py at 00a5fdd20935ba7679750db22997dcf539ca4591"
V.append(h)
json.dump({"engine": "vllm", "entry": "vllm serve MODEL", "version": "not read at this commit (its deprecation messages name v0.12.0 and v0.13, so a 0.11-era tree)",
  "repo": "vllm-project/vllm", "commit": "99d7eb5d6a512cfcc5a2b104f24ebf2d6cda772b", "paths": ["vllm/engine/arg_utils.py", "vllm/entrypoints/cli/serve.py (at 00a5fdd20935ba7679750db22997dcf539ca4591, for --api-server-count and --headless)"], "captured": date,
  "coverage": "every flag EngineArgs.add_cli_args registers at this commit; of the front-end flags only --host, --port, --api-server-count and --headless",
  "flags": V}, open(out+"vllm-args.json","w"), indent=1)

# ---------------- SGLang ----------------
G = []
def g(field, typ, choices=None, aliases="", cli=None, boolopt_=False):
    name = cli or "--" + field.replace("_", "-")
    names = name + (" " + aliases if aliases else "")
    if boolopt_: names += " --no-" + field.replace("_", "-")
    G.append(F(names, typ, choices))
gi = lambda s: [g(x, "int") for x in s.split()]
gs = lambda s: [g(x, "str") for x in s.split()]
gf = lambda s: [g(x, "float") for x in s.split()]
gb = lambda s: [g(x, "bool") for x in s.split()]
gj = lambda s: [g(x, "json") for x in s.split()]
g("model_path", "str", aliases="--model"); gs("tokenizer_path")
g("tokenizer_mode", "choice", ["auto", "slow"]); g("tokenizer_backend", "choice", ["huggingface", "fastokens"])
gi("tokenizer_worker_num detokenizer_worker_num"); gb("skip_tokenizer_init")
g("load_format", "choice", ["auto","pt","safetensors","npcache","dummy","sharded_state","presharded","gguf","expert_pack","bitsandbytes","mistral","layered","flash_rl","remote","remote_instance","fastsafetensors","private","runai_streamer"])
gs("model_loader_extra_config"); gb("trust_remote_code"); gi("context_length"); gb("is_embedding enable_multimodal"); gs("revision model_impl model_config_parser json_model_override_args")
g("dtype", "choice", ["auto","half","float16","bfloat16","float","float32"])
g("quantization", "choice", ["awq","fp8","mxfp8","gptq","marlin","gptq_marlin","awq_marlin","bitsandbytes","gguf","modelopt","modelopt_fp8","modelopt_fp4","nvfp4_online","modelopt_mixed","petit_nvfp4","w8a8_int8","w8a8_fp8","moe_wna16","w4afp8","mxfp4","auto-round","auto-round-int8","compressed-tensors","modelslim","mxfp_w4a8","quark","quark_int4fp8_moe","quark_mxfp4","mlx_q4","mlx_q8","unquant","humming"])
gs("quantization_param_path")
g("kv_cache_dtype", "choice", ["auto","fp8_e5m2","fp8_e4m3","mxfp8","bf16","bfloat16","nvfp4","fp4_mx_block16","fp4_e2m1"])
gb("enable_fp32_lm_head"); gs("modelopt_quant modelopt_checkpoint_restore_path modelopt_checkpoint_save_path modelopt_export_path"); gb("quantize_and_serve"); gs("rl_quant_profile"); gb("enable_tf32_matmul")
gf("mem_fraction_static"); gi("max_running_requests max_queued_requests max_total_tokens chunked_prefill_size prefill_decode_interval"); gb("enable_dynamic_chunking"); gi("max_prefill_tokens prefill_max_requests")
g("schedule_policy", "choice", ["lpm","random","fcfs","dfs-weight","lof","priority","routing-key"])
gb("enable_priority_scheduling disable_priority_preemption"); gi("default_priority_value"); gb("abort_on_priority_when_disabled schedule_low_priority_values_first"); gi("priority_scheduling_preemption_threshold")
g("retraction_policy", "choice", ["length","priority"]); gf("schedule_conservativeness"); gi("page_size c128_page_size"); gf("swa_full_tokens_ratio"); gb("disable_hybrid_swa_memory")
g("radix_eviction_policy", "choice", ["lru","lfu","slru","priority"])
gb("prefill_only_disable_kv_cache disable_radix_cache enable_page_major_kv_layout enable_unified_memory disable_chunked_prefix_cache disable_overlap_schedule"); gi("num_continuous_decode_steps scheduler_recv_interval"); gb("enable_mixed_chunk")
gi("nccl_port dist_timeout"); g("dist_init_addr", "str", aliases="--nccl-init-addr"); gi("gated_launch_port nnodes node_rank")
g("tp_size", "int", aliases="--tensor-parallel-size"); g("dcp_size", "int", aliases="--decode-context-parallel-size"); g("pp_size", "int", aliases="--pipeline-parallel-size")
gi("pp_max_micro_batch_size pp_async_batch_depth"); g("dp_size", "int", aliases="--data-parallel-size")
g("load_balance_method", "choice", ["auto","round_robin","follow_bootstrap_room","total_requests","total_tokens"])
g("attn_cp_size", "int", aliases="--attention-context-parallel-size"); g("moe_dp_size", "int", aliases="--moe-data-parallel-size"); gi("dwdp_size")
g("dcp_comm_backend", "choice", ["ag_rs","a2a","fi_a2a"]); g("dcp_replicate_q_proj", "bool", boolopt_=True)
gb("enable_prefill_cp"); g("cp_strategy", "choice", ["zigzag","interleave"]); gb("enable_dsa_cache_layer_split enable_cp_decode_attn_tp enable_dp_attention enable_dp_attention_local_control_broadcast enable_dp_lm_head")
g("enable_tp_lm_head_all_to_all", "bool", boolopt_=True); gb("enable_attn_tp_input_scattered enable_shared_experts_attn_tp enable_dense_mlp_attn_tp disable_attn_tp_gather enable_p2p_check")
gs("device"); gi("base_gpu_id gpu_id_step random_seed"); gb("mlx_enable_sampling"); gf("watchdog_timeout soft_watchdog_timeout"); gb("sleep_on_idle use_ray")
G.append(F("--numa-node", "int", note="nargs: list of ints")); G.append(F("--gc-threshold", "int", note="nargs: 1 to 3 ints"))
gs("host"); gi("port"); gs("fastapi_root_path"); gb("smg_grpc_mode grpc_mode"); gi("grpc_port"); gs("sidecar"); gj("sidecar_args"); gb("skip_server_warmup"); gs("warmups"); gb("enable_http2"); gi("http2_max_concurrent_streams")
gs("ssl_keyfile ssl_certfile ssl_ca_certs ssl_keyfile_password"); gb("enable_ssl_refresh")
gs("api_key admin_api_key served_model_name weight_version chat_template hf_chat_template_name completion_template file_storage_path"); gb("enable_cache_report")
gj("default_chat_template_kwargs"); gb("strip_thinking_cache enable_strict_thinking"); gs("tool_server"); g("sampling_defaults", "choice", ["openai","model"]); gi("asr_max_buffer_seconds asr_max_concurrent_sessions"); gj("preferred_sampling_params"); gb("allow_auto_truncate")
gi("stream_interval batch_notify_size"); gb("stream_response_default_include_usage incremental_streaming_output enable_streaming_session enable_session_radix_cache")
gs("log_level log_level_http"); gb("log_requests"); g("log_requests_level", "choice", ["0","1","2","3"]); g("log_requests_format", "choice", ["text","json"])
gs("crash_dump_folder"); gb("show_time_cost enable_metrics"); g("smg_http_sidecar_port", "int", aliases="--grpc-http-sidecar-port"); gb("enable_mfu_metrics enable_metrics_for_all_schedulers"); gi("load_snapshot_publish_interval"); gs("tokenizer_metrics_custom_labels_header"); gj("extra_metric_labels")
gf("gc_warning_threshold_secs"); gi("decode_log_interval"); gb("enable_request_time_stats_logging"); gs("kv_events_config"); gb("enable_forward_pass_metrics enable_trace"); gs("trace_modules otlp_traces_endpoint"); gb("export_metrics_to_file"); gs("export_metrics_to_file_dir")
gs("constrained_json_whitespace_pattern"); gb("constrained_json_disable_any_whitespace")
att = ["triton","torch_native","flex_attention","dsa","nsa","dsv4","compressed","cutlass_mla","fa3","fa4","flashinfer","flashmla","trtllm_mla","cutedsl_mla","tokenspeed_mla","trtllm_mha","dual_chunk_flash_attn","hpc_ops","minicpm_flashattn","minicpm_flashinfer","aiter","wave","intel_amx","ascend","intel_xpu"]
g("attention_backend", "choice", att); g("decode_attention_backend", "choice", att); g("prefill_attention_backend", "choice", att)
g("grammar_backend", "choice", ["xgrammar","outlines","llguidance","none"]); gs("radix_cache_backend")
g("fp8_gemm_runner_backend", "choice", ["auto","deep_gemm","flashinfer_trtllm","flashinfer_cutlass","flashinfer_deepgemm","flashinfer_cutedsl","cutlass","triton","aiter"], cli="--fp8-gemm-backend")
g("fp4_gemm_runner_backend", "choice", ["auto","flashinfer_cudnn","flashinfer_cutedsl","flashinfer_cutlass","flashinfer_trtllm","marlin"], cli="--fp4-gemm-backend")
g("bf16_gemm_backend", "choice", ["auto","cutedsl","gemv","torch"]); g("mamba_backend", "choice", ["triton","flashinfer"]); gb("disable_flashinfer_autotune")
gj("cuda_graph_config"); gi("cuda_graph_max_bs_decode cuda_graph_max_bs_prefill"); gb("disable_prefill_cuda_graph disable_decode_cuda_graph disable_cuda_graph_padding enable_profile_cuda_graph enable_cudagraph_gc debug_cuda_graph")
gb("enable_layerwise_nvtx_marker enable_nccl_nvls enable_symm_mem triton_attention_reduce_in_fp32"); gi("triton_attention_num_kv_splits")

gi("triton_attention_split_tile_size"); gb("flashinfer_mla_disable_ragged enable_fused_qk_norm_rope enable_precise_embedding_interpolation enable_fused_moe_sum_all_reduce enable_deepseek_v4_fp4_indexer disable_custom_all_reduce enable_mscclpp enable_torch_symm_mem enable_scattered_sconv pre_warm_nccl enable_quant_communications enforce_disable_flashinfer_allreduce_fusion enable_aiter_allreduce_fusion")
gs("flashinfer_allreduce_fusion_backend"); gb("enable_torch_compile enable_torch_compile_debug_mode"); gi("torch_compile_max_bs")
gs("speculative_algorithm"); g("speculative_draft_model_path", "str", aliases="--speculative-draft-model"); gs("speculative_draft_model_revision"); gi("speculative_num_steps speculative_eagle_topk speculative_num_draft_tokens")
gf("speculative_accept_threshold_single speculative_accept_threshold_acc"); g("speculative_attention_mode", "choice", ["prefill", "decode"]); gb("enable_multi_layer_eagle")
g("moe_runner_backend", "choice", ["auto","deep_gemm","triton","triton_kernel","flashinfer_trtllm","experimental_sgl_trtllm","flashinfer_trtllm_routed","flashinfer_cutlass","flashinfer_mxfp4","flashinfer_cutedsl","cutlass","aiter","marlin","humming","experimental_sgl_marlin","hpc_ops","megamoe"])
gb("enable_w4a4_mxfp4_megamoe"); gs("deepep_v2_mode deepep_mode deepep_config init_expert_location eplb_algorithm"); gi("ep_num_redundant_experts eplb_rebalance_num_iterations moe_dense_tp_size"); gb("enable_eplb disable_shared_experts_fusion enforce_shared_experts_fusion")
g("elastic_ep_backend", "choice", ["none","mooncake","nixl"]); g("ep_join_mode", "choice", ["scale","recover"], cli="--elastic-ep-join-mode"); gi("max_ep_size max_mamba_cache_size mamba_track_interval")
g("mamba_ssm_dtype", "choice", ["float32","bfloat16","float16"]); g("mamba_radix_cache_strategy", "choice", ["auto","no_buffer","extra_buffer","extra_buffer_lazy"]); gf("mamba_full_memory_ratio"); gb("enable_hierarchical_cache")
g("ep_size", "int", aliases="--expert-parallel-size --ep")
g("moe_a2a_backend", "choice", ["none","deepep","mooncake","nixl","mori","ascend_fuseep","flashinfer","megamoe","deepep_v2","pplx","ascend_tp"])
g("enable_lora", "bool"); gb("enable_lora_overlap_loading lora_use_virtual_experts"); gi("max_lora_rank max_loaded_loras max_loras_per_batch"); g("lora_eviction_policy", "choice", ["lru","fifo"]); g("lora_backend", "choice", ["triton","csgmv","ascend","torch_native"])
g("max_lora_chunk_size", "choice", ["16","32","64","128"]); g("experts_shared_outer_loras", "bool", boolopt_=True); g("lora_strict_loading", "bool", boolopt_=True); gf("lora_drain_wait_threshold")
gb("enable_two_batch_overlap enable_single_batch_overlap"); gf("tbo_token_distribution_threshold"); gi("cpu_offload_gb offload_group_size offload_num_in_group offload_prefetch_step"); gs("offload_mode")
gb("enable_lmcache"); gs("lmcache_config_file"); gb("enable_flexkv"); gs("flexkv_config_file kt_weight_path kt_method"); gi("kt_cpuinfer kt_threadpool_count kt_num_gpu_experts kt_max_deferred_experts_per_token")
gs("dllm_algorithm dllm_algorithm_config"); g("dllm_fdfo", "bool", boolopt_=True)
g("disaggregation_mode", "choice", ["null","prefill","decode"]); g("disaggregation_transfer_backend", "choice", ["mooncake","nixl","ascend","fake","mori","mooncake_tcp"]); gi("disaggregation_bootstrap_port"); gs("disaggregation_ib_device")
gb("disaggregation_decode_enable_radix_cache disaggregation_decode_enable_offload_kvcache"); g("disaggregation_decode_retraction_backup", "choice", ["cpu_tensor","host_pool"]); gi("num_reserved_decode_tokens disaggregation_decode_extra_slots disaggregation_decode_polling_interval optimistic_prefill_attempts")
gb("encoder_only language_only language_model_only"); g("encoder_transfer_backend", "choice", ["auto","zmq_to_scheduler","zmq_to_tokenizer","mooncake"]); gi("encoder_bootstrap_port"); gb("enable_adaptive_dispatch_to_encoder enable_pdmux"); gs("pdmux_config_path"); gi("sm_group_num")
g("startup_weight_load_mode", "choice", ["serial","overlap"])
json.dump({"engine": "sglang", "entry": "python -m sglang.launch_server", "version": "not read at this commit",
  "repo": "sgl-project/sglang", "commit": "001067fffe33427bee0ed2f007fb7551a1d76b44", "paths": ["python/sglang/srt/server_args.py"], "captured": date,
  "coverage": "partial: the ServerArgs fields of the sections read (model and tokenizer through PD disaggregation, LoRA, two-batch overlap, offloading; characters 16000-112000 and 120000-136000 of the file; the speculative-decoding, MoE and mamba fields of 80000-112000 only in part); the file (486489 characters) has more fields, so a flag absent here is 'not captured', not proven absent",
  "complete": False, "flags": G}, open(out+"sglang-args.json","w"), indent=1)

# ---------------- TensorRT-LLM ----------------
R = []
def t(names, typ, choices=None): R.append(F(names, typ, choices))
t("--tokenizer","str"); t("--custom_tokenizer","str"); t("--host","str"); t("--port","int")
t("--backend","choice",["pytorch","tensorrt","_autodeploy","trt"]); t("--custom_module_dirs","str"); t("--log_level","str")
for n in "max_beam_width max_batch_size max_num_tokens max_seq_len".split(): t("--"+n,"int")
t("--tensor_parallel_size --tp_size","int"); t("--pipeline_parallel_size --pp_size","int"); t("--context_parallel_size --cp_size","int")
t("--moe_expert_parallel_size --ep_size","int"); t("--moe_cluster_parallel_size --cluster_size","int"); t("--gpus_per_node","int")
t("--free_gpu_memory_fraction --kv_cache_free_gpu_memory_fraction","float"); t("--num_postprocess_workers","int"); t("--trust_remote_code","bool"); t("--revision","str")
t("--config --extra_llm_api_options","str"); t("--reasoning_parser","str"); t("--tool_parser","str"); t("--metadata_server_config_file","str"); t("--server_role","str")
t("--fail_fast_on_attention_window_too_large","bool"); t("--otlp_traces_endpoint","str"); t("--disagg_cluster_uri","str"); t("--enable_chunked_prefill","bool")
t("--media_io_kwargs","json"); t("--chat_template","str")
K = {}
for k in "model tokenizer custom_tokenizer reasoning_parser revision backend".split(): K[k] = "str"
for k in "tensor_parallel_size pipeline_parallel_size context_parallel_size moe_expert_parallel_size moe_tensor_parallel_size moe_cluster_parallel_size gpus_per_node max_batch_size max_num_tokens max_beam_width max_seq_len num_postprocess_workers".split(): K[k] = "int"
for k in "trust_remote_code enable_chunked_prefill fail_fast_on_attention_window_too_large enable_attention_dp enable_lm_head_tp_in_adp".split(): K[k] = "bool"
for k in "cp_config build_config scheduler_config kv_cache_config".split(): K[k] = "object"
K["kv_cache_config.free_gpu_memory_fraction"] = "float"; K.update({"kv_cache_config."+k: v for k, v in {"dtype": "str", "mamba_ssm_cache_dtype": "str", "tokens_per_block": "int", "max_gpu_total_bytes": "int", "use_uvm": "bool", "copy_on_partial_reuse": "bool"}.items()}); K["otlp_traces_endpoint"] = "str"
# Captured by hand from other files (issue 22: the disaggregated serving config, cache_transceiver_config and
# disable_overlap_scheduler, each with its own source in the file): kept when the serve.py lists are written again.
try:
  _old = json.load(open(out+"trtllm-args.json"))
except (OSError, ValueError):
  _old = {}
K.update({k: v for k, v in _old.get("yaml_keys", {}).items() if k not in K})
_extra = {k: _old[k] for k in ("disaggregated",) if k in _old}
json.dump({"engine": "trtllm", "entry": "trtllm-serve MODEL", "version": "not read at this commit",
  "repo": "NVIDIA/TensorRT-LLM", "commit": "00209af149e7774406881a37283dce303571eb11", "paths": ["tensorrt_llm/commands/serve.py", "tensorrt_llm/llmapi/llm_args.py (enable_attention_dp, enable_lm_head_tp_in_adp, moe_tensor_parallel_size; the KvCacheConfig fields dtype, mamba_ssm_cache_dtype, tokens_per_block, max_gpu_total_bytes, use_uvm, copy_on_partial_reuse; found by text search of the stored index, not pinned to this commit)"], "captured": date,
  "coverage": "every click option of the serve command; extra-options YAML keys: those get_llm_args in serve.py passes to the LLM plus the few llm_args.py fields read, so a key absent here is 'not captured', not proven absent",
  "flags": R, "yaml_keys_complete": False, "yaml_keys": K, **_extra}, open(out+"trtllm-args.json","w"), indent=1)
print(len(V), len(G), len(R), len(K))
