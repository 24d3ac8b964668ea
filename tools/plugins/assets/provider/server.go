// Package provider is the openshift-hard-way resource plugin: the project's own custom resources,
// which have no provider elsewhere. Today that is one, openshift-hard-way:index:RenderedFiles: a
// set of rendered files (certificates, keys, kubeconfigs, manifests, Ignition configs) written
// below the stack's asset directory.
//
// Inputs: `root`, a directory relative to the project root (the plugin's working directory, as
// the engine starts it there), and one property per file, named by its path below `root`, whose
// value is `{content: string, mode: number}`; content may be secret. Outputs: `root`, `sha256`
// (path → hex SHA-256 of the content as written or read back) and `modes` (path → mode). The
// content is kept once, in the inputs; the outputs hold only what drift detection needs.
//
// It replaces a Node.js dynamic provider, which cost ~1.3 s of every preview (the provider's
// closure serialized by the program, a second Node.js process for the provider) and could not
// return a detailed diff (both measured by tools/dev/bench; README.md, "Static pods and cluster manifests").
package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/openshift-hard-way/tools/plugins/providerbase"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// TokenRenderedFiles is the type token of the one resource this plugin implements.
const TokenRenderedFiles = "openshift-hard-way:index:RenderedFiles"

// Server implements the Pulumi ResourceProvider gRPC service for the openshift-hard-way package:
// the provider-level methods come from providerbase.Base (no provider configuration, secrets
// accepted, no resource references), the resource methods are below.
type Server struct {
	providerbase.Base
}

// NewServer returns a provider server that reports the given plugin version.
func NewServer(version string) *Server {
	return &Server{providerbase.Base{Version: version}}
}

var unmarshal = providerbase.Unmarshal

// reserved are the property names that are not files.
var reserved = map[resource.PropertyKey]bool{"root": true, "sha256": true, "modes": true}

// file is one file of the inputs; known is false while its content or mode is unknown (preview).
type file struct {
	content string
	mode    os.FileMode
	known   bool
}

// filesOf decodes the inputs into root and files; it reports malformed inputs as check failures
// (property, reason).
func filesOf(m resource.PropertyMap) (root string, files map[string]file, failures [][2]string) {
	files = map[string]file{}
	r := m["root"]
	switch {
	case r.IsComputed():
	case !r.IsString() || r.StringValue() == "":
		failures = append(failures, [2]string{"root", "must be a non-empty directory path"})
	case filepath.IsAbs(r.StringValue()) || strings.Contains(r.StringValue(), ".."):
		failures = append(failures, [2]string{"root", fmt.Sprintf("%q must be relative to the project root, without '..'", r.StringValue())})
	default:
		root = r.StringValue()
	}
	for k, v := range m {
		if reserved[k] || strings.HasPrefix(string(k), "__") {
			continue
		}
		p := string(k)
		if filepath.IsAbs(p) || strings.Contains(p, "..") || p == "" {
			failures = append(failures, [2]string{p, "a file path must be relative to root, without '..'"})
			continue
		}
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if v.IsComputed() || v.IsOutput() {
			files[p] = file{}
			continue
		}
		if !v.IsObject() {
			failures = append(failures, [2]string{p, "must be {content: string, mode: number}"})
			continue
		}
		o := v.ObjectValue()
		c, md := o["content"], o["mode"]
		if c.IsSecret() {
			c = c.SecretValue().Element
		}
		if c.IsComputed() || c.IsOutput() || md.IsComputed() || md.IsOutput() {
			files[p] = file{}
			continue
		}
		if !c.IsString() || !md.IsNumber() || md.NumberValue() < 0 || md.NumberValue() > 0o777 {
			failures = append(failures, [2]string{p, "must be {content: string, mode: number from 0 to 0o777}"})
			continue
		}
		files[p] = file{content: c.StringValue(), mode: os.FileMode(md.NumberValue()), known: true}
	}
	return root, files, failures
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// recorded reads the `sha256` and `modes` outputs of a state.
func recorded(state resource.PropertyMap) (sums map[string]string, modes map[string]float64) {
	sums, modes = map[string]string{}, map[string]float64{}
	if v := state["sha256"]; v.IsObject() {
		for k, s := range v.ObjectValue() {
			if s.IsString() {
				sums[string(k)] = s.StringValue()
			}
		}
	}
	if v := state["modes"]; v.IsObject() {
		for k, m := range v.ObjectValue() {
			if m.IsNumber() {
				modes[string(k)] = m.NumberValue()
			}
		}
	}
	return sums, modes
}

// outputs builds the resource's outputs for root and the given hashes and modes.
func outputs(root string, sums map[string]string, modes map[string]float64) (*structpb.Struct, error) {
	s, m := resource.PropertyMap{}, resource.PropertyMap{}
	for p, h := range sums {
		s[resource.PropertyKey(p)] = resource.NewProperty(h)
		m[resource.PropertyKey(p)] = resource.NewProperty(modes[p])
	}
	return providerbase.Marshal(resource.PropertyMap{
		"root": resource.NewProperty(root), "sha256": resource.NewProperty(s), "modes": resource.NewProperty(m),
	})
}

func checkType(urn, typ string) error {
	if tok := providerbase.TypeToken(urn, typ); tok != TokenRenderedFiles {
		return status.Errorf(codes.InvalidArgument, "openshift-hard-way: unknown resource type %q (this plugin implements %s)", tok, TokenRenderedFiles)
	}
	return nil
}

// Check validates the inputs and returns them unchanged.
func (s *Server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	news, err := props(req.GetUrn(), req.GetType(), req.GetNews())
	if err != nil {
		return nil, err
	}
	_, _, failures := filesOf(news)
	resp := &pulumirpc.CheckResponse{Inputs: req.GetNews()}
	for _, f := range failures {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Property: f[0], Reason: f[1]})
	}
	return resp, nil
}

// Diff compares the recorded hashes and modes with the new inputs, file by file: each changed,
// added or removed file is one entry of the detailed diff, named by its path; a new root
// replaces the whole set (the old files are removed first).
func (s *Server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	root, files, _ := filesOf(news)
	sums, modes := recorded(olds)
	resp := &pulumirpc.DiffResponse{DetailedDiff: map[string]*pulumirpc.PropertyDiff{}, HasDetailedDiff: true}
	// Detailed-diff keys are property paths: a file path with dots or slashes is quoted
	// (["tls/ca.crt"]) so the engine reads it as one property name.
	add := func(p string, kind pulumirpc.PropertyDiff_Kind) {
		resp.Diffs = append(resp.Diffs, p)
		resp.DetailedDiff[resource.PropertyPath{p}.String()] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	if oldRoot := olds["root"]; news["root"].IsComputed() || !oldRoot.IsString() || oldRoot.StringValue() != root {
		add("root", pulumirpc.PropertyDiff_UPDATE_REPLACE)
		resp.Replaces = []string{"root"}
		resp.DeleteBeforeReplace = true
	}
	for p, f := range files {
		sum, ok := sums[p]
		switch {
		case !ok:
			add(p, pulumirpc.PropertyDiff_ADD)
		case !f.known || sum != hash(f.content) || modes[p] != float64(f.mode):
			add(p, pulumirpc.PropertyDiff_UPDATE)
		}
	}
	for p := range sums {
		if _, ok := files[p]; !ok {
			add(p, pulumirpc.PropertyDiff_DELETE)
		}
	}
	sort.Strings(resp.Diffs)
	resp.Changes = pulumirpc.DiffResponse_DIFF_NONE
	if len(resp.Diffs) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return resp, nil
}

// write writes one file below root with its mode, making the directories it needs (0700: the
// asset directory holds keys).
func write(root, p string, f file) error {
	full := filepath.Join(root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(full, []byte(f.content), f.mode); err != nil {
		return err
	}
	return os.Chmod(full, f.mode)
}

// topDir is the first path element of root: the asset directory, which holds every stack's
// files (e.g. "assets" of "assets/local").
func topDir(root string) string {
	return strings.SplitN(filepath.Clean(root), string(filepath.Separator), 2)[0]
}

// remove deletes the files and then the directories they leave empty, up to the first path
// element of root (the asset directory, kept). Missing files are no error.
func remove(root string, paths []string) error {
	top := topDir(root)
	for _, p := range paths {
		full := filepath.Join(root, p)
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for dir := filepath.Dir(full); dir != top && dir != "." && dir != string(filepath.Separator); dir = filepath.Dir(dir) {
			if os.Remove(dir) != nil {
				break // not empty (another file lives here) or gone
			}
		}
	}
	return nil
}

// apply writes the files whose recorded hash or mode differs (all of them when sums is empty),
// and returns the new hashes and modes. During a preview nothing is written and unknown files
// have no hash yet.
func apply(root string, files map[string]file, sums map[string]string, modes map[string]float64, preview bool) (map[string]string, map[string]float64, error) {
	newSums, newModes := map[string]string{}, map[string]float64{}
	if !preview {
		// The asset directory holds keys and kubeconfigs: only its owner may enter it.
		for _, d := range []string{topDir(root), root} {
			if err := os.MkdirAll(d, 0o700); err != nil {
				return nil, nil, err
			}
			if err := os.Chmod(d, 0o700); err != nil {
				return nil, nil, err
			}
		}
	}
	for p, f := range files {
		if !f.known {
			continue
		}
		sum := hash(f.content)
		if !preview && (sums[p] != sum || modes[p] != float64(f.mode)) {
			if err := write(root, p, f); err != nil {
				return nil, nil, fmt.Errorf("writing %s: %w", filepath.Join(root, p), err)
			}
		}
		newSums[p], newModes[p] = sum, float64(f.mode)
	}
	return newSums, newModes, nil
}

// props checks the resource type and decodes one property map of a request.
func props(urn, typ string, s *structpb.Struct) (resource.PropertyMap, error) {
	if err := checkType(urn, typ); err != nil {
		return nil, err
	}
	return unmarshal(s)
}

// inputsOf checks the resource type and decodes the inputs of a Create or Update into root and
// files; malformed inputs (which Check has reported already) are an InvalidArgument error.
func inputsOf(urn, typ string, s *structpb.Struct) (string, map[string]file, error) {
	m, err := props(urn, typ, s)
	if err != nil {
		return "", nil, err
	}
	root, files, failures := filesOf(m)
	if len(failures) > 0 {
		return "", nil, status.Errorf(codes.InvalidArgument, "%s: %s", failures[0][0], failures[0][1])
	}
	return root, files, nil
}

// Create writes every file.
func (s *Server) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	root, files, err := inputsOf(req.GetUrn(), req.GetType(), req.GetProperties())
	if err != nil {
		return nil, err
	}
	sums, modes, err := apply(root, files, nil, nil, req.GetPreview())
	if err != nil {
		return nil, err
	}
	outs, err := outputs(root, sums, modes)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: root, Properties: outs}, nil
}

// Update writes the files that changed and removes the ones no longer in the inputs.
func (s *Server) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	olds, err := props(req.GetUrn(), req.GetType(), req.GetOlds())
	if err != nil {
		return nil, err
	}
	root, files, err := inputsOf(req.GetUrn(), req.GetType(), req.GetNews())
	if err != nil {
		return nil, err
	}
	oldSums, oldModes := recorded(olds)
	sums, modes, err := apply(root, files, oldSums, oldModes, req.GetPreview())
	if err != nil {
		return nil, err
	}
	if !req.GetPreview() {
		var gone []string
		for p := range oldSums {
			if _, ok := files[p]; !ok {
				gone = append(gone, p)
			}
		}
		if err := remove(root, gone); err != nil {
			return nil, err
		}
	}
	outs, err := outputs(root, sums, modes)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.UpdateResponse{Properties: outs}, nil
}

// Read (refresh) reads every recorded file back: one edited, re-moded or removed behind Pulumi's
// back shows as drift in `sha256`/`modes` (a missing file as an empty hash), which the next up
// writes again.
func (s *Server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	state, err := props(req.GetUrn(), req.GetType(), req.GetProperties())
	if err != nil {
		return nil, err
	}
	if len(state) == 0 {
		return nil, status.Errorf(codes.Unimplemented, "openshift-hard-way: importing %s by id is not supported", TokenRenderedFiles)
	}
	root := state["root"].StringValue()
	old, _ := recorded(state)
	sums, modes := map[string]string{}, map[string]float64{}
	for p := range old {
		full := filepath.Join(root, p)
		data, err := os.ReadFile(full)
		st, serr := os.Stat(full)
		if err != nil || serr != nil {
			sums[p], modes[p] = "", 0
			continue
		}
		sums[p], modes[p] = hash(string(data)), float64(st.Mode().Perm())
	}
	outs, err := outputs(root, sums, modes)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: outs, Inputs: req.GetInputs()}, nil
}

// Delete removes every recorded file and the directories it empties.
func (s *Server) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	state, err := props(req.GetUrn(), req.GetType(), req.GetProperties())
	if err != nil {
		return nil, err
	}
	sums, _ := recorded(state)
	paths := make([]string, 0, len(sums))
	for p := range sums {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return &emptypb.Empty{}, remove(state["root"].StringValue(), paths)
}
