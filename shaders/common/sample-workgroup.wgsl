// Thread mapping of the workgroup-per-sample event kernels of a recurrent LIF
// layer (neurons/event-lif-recurrent-forward, grad/eventprop-recurrent): one
// workgroup per sample, its index x + y·groups.x over a 2-D dispatch grid;
// neuron n of the sample belongs to local thread n mod WG, at most PER_THREAD
// neurons per thread (NEURONS_PER_THREAD in kernels/neurons/event-lif-recurrent-forward.ts).
// Every event reaches every neuron of the sample, so the neurons move together
// and share one anchor time; the anchor moves to an event only when it lies more
// than rebase_interval() from it, so the state passes through a chain of rounded
// exponentials about T/rebase_interval() times rather than once per event.
// The including kernel declares `params` with fields tau_mem, tau_syn (ms).
override WG: u32 = 64u;
const PER_THREAD: u32 = 8u;

// The built-in inputs that name the workgroup's sample (uniform in the workgroup).
struct SampleGroup {
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
}

fn sample_of(g: SampleGroup) -> u32 {
  return g.wid.x + g.wid.y * g.groups.x;
}

// min(τ_mem, τ_syn)/2 (ms)
fn rebase_interval() -> f32 {
  return 0.5 * min(params.tau_mem, params.tau_syn);
}
