#!/usr/bin/env bash
# The system packages webspike needs on Debian 12 (bookworm), in one list that the README's
# set-up and CI (.ci/run) both run. Safe to run again: apt-get skips what is installed.
#
#   libvulkan1             the Vulkan loader (libvulkan.so.1) that Dawn's Node binding (`webgpu`)
#                          and Deno's wgpu open; chromium keeps a private copy that they cannot use
#   chromium               SwiftShader's Vulkan driver (/usr/lib/chromium/vk_swiftshader_icd.json),
#                          the software adapter on machines without a GPU, and the browser that the
#                          browser-app test drives through playwright-core
#   dataset-fashion-mnist  Fashion-MNIST as IDX under /usr/share/datasets/fashion-mnist (data tests)
#
# With a GPU, its vendor's Vulkan driver is used instead of SwiftShader; nothing here changes that.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup-debian.sh: run as root, or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi

"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq libvulkan1 chromium dataset-fashion-mnist >/dev/null

# What the packages must provide, checked by file: a package renamed or split upstream fails here,
# not in the middle of a test run.
missing=0
for f in /usr/lib/chromium/vk_swiftshader_icd.json /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz; do
  [ -e "$f" ] || { echo "setup-debian.sh: $f is missing after the install" >&2; missing=1; }
done
# (the linker cache read whole: `ldconfig -p | grep -q` would fail under pipefail when grep stops early)
cache=$(ldconfig -p)
[[ "$cache" == *"libvulkan.so.1 "* ]] || { echo "setup-debian.sh: libvulkan.so.1 is not in the linker cache after the install" >&2; missing=1; }
[ "$missing" -eq 0 ] || exit 1
echo "setup-debian.sh: system packages in place (Vulkan loader, SwiftShader, Fashion-MNIST)"
