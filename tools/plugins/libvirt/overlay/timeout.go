// This file replaces libvirt/timeout.go of dmacvicar/terraform-provider-libvirt v0.7.6 in the
// pulumi-resource-libvirt build: tools/setup builds the plugin from a copy of the upstream module
// with this file copied over upstream's. Nothing imports it from here.
//
// Upstream sleeps resourceStateDelay (5 s) before its first look at a network or pool it has
// just created or removed, though libvirtd's calls are synchronous: the first look already finds
// the network active, the pool defined, the object gone. That was 5 s of every `pulumi up`
// (network and pool are created in parallel) and 5 s of every `pulumi destroy` (measured by
// tools/dev/bench). Here the first look comes at once, and later ones (when a state is not reached
// yet, e.g. a network still starting) every 250 ms rather than every 3 s; the overall timeout is
// upstream's.

package libvirt

import (
	"time"
)

const (
	resourceStateTimeout    = 1 * time.Minute        // upstream's
	resourceStateDelay      = 0                      // upstream: 5 s
	resourceStateMinTimeout = 250 * time.Millisecond // upstream: 3 s
)
