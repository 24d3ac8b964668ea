// This file replaces libvirt/utils_volume.go of dmacvicar/terraform-provider-libvirt v0.7.6 in the
// pulumi-resource-libvirt build, the same way as timeout.go (tools/setup copies every file of
// this directory over upstream's). Nothing imports it from here.
//
// Upstream hands go-libvirt's StorageVolUpload a 4 MiB buffered reader, and go-libvirt sends one
// stream message per Read (socket.SendStream reads into a 4 MiB buffer), so every message
// carried 4 MiB. libvirtd takes such messages slowly and erratically: a 1 GiB qcow2 took 20-30 s
// to upload (tools/dev/bench, "base volume upload"), where `virsh vol-upload` of the same file takes
// about 2 s. libvirt's own client sends at most VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX bytes per
// message (virStreamSendAll, libvirt src/libvirt-stream.c; the constant is in
// src/rpc/virnetprotocol.x); the copier here does the same, and the upload runs at virsh's
// speed. The stream stays a plain (not sparse) one: go-libvirt at this version has no hole
// messages, and an RHCOS qcow2 has no holes to skip.
//
// timeFromEpoch is upstream's (volume_image.go compares the image's mtime with it), unchanged in
// behaviour: "<seconds>.<nanoseconds>" as libvirt writes a volume's timestamps.

package libvirt

import (
	"fmt"
	"io"
	"log"
	"strconv"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
)

// streamMessageMax is the most a stream message carries: VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX
// (256 KiB less the 24-byte message header), what virStreamSendAll sends.
const streamMessageMax = 262120

// messageSized hands out at most streamMessageMax bytes per Read, so that go-libvirt's
// SendStream (one message per Read) sends messages of libvirt's own size.
type messageSized struct{ r io.Reader }

func (m messageSized) Read(p []byte) (int, error) {
	if len(p) > streamMessageMax {
		p = p[:streamMessageMax]
	}
	return m.r.Read(p)
}

func newCopier(virConn *libvirt.Libvirt, volume *libvirt.StorageVol, size uint64) func(src io.Reader) error {
	return func(src io.Reader) error {
		start := time.Now()
		if err := virConn.StorageVolUpload(*volume, messageSized{src}, 0, size, 0); err != nil {
			return fmt.Errorf("error while uploading volume %w", err)
		}
		log.Printf("[DEBUG] upload took %d ms", time.Since(start).Milliseconds())
		return nil
	}
}

// timeFromEpoch parses libvirt's "<seconds>[.<nanoseconds>]"; anything unparsable counts as 0.
func timeFromEpoch(str string) time.Time {
	secs, nanos, _ := strings.Cut(str, ".")
	s, _ := strconv.Atoi(secs)
	ns, _ := strconv.Atoi(nanos)
	return time.Unix(int64(s), int64(ns))
}
