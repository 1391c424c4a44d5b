// Flat thread index for 1-D work split over a 2-D dispatch grid (x ≤ 65535 groups).
// Kernels that include this snippet use @workgroup_size(WG).
override WG: u32 = 64u;

fn flat_id(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}
