package provider

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/openshift-hard-way/tools/plugins/providerbase"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

const urn = "urn:pulumi:t::p::" + TokenRenderedFiles + "::t/pki"

func marshalled(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := providerbase.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func f(content string, mode float64) resource.PropertyValue {
	return resource.NewProperty(resource.PropertyMap{"content": resource.NewProperty(content), "mode": resource.NewProperty(mode)})
}

func secretFile(content string, mode float64) resource.PropertyValue {
	return resource.NewProperty(resource.PropertyMap{"content": resource.MakeSecret(resource.NewProperty(content)), "mode": resource.NewProperty(mode)})
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func perm(t *testing.T, p string) os.FileMode {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// The whole life of a file set, against a real directory: check, create, diff, update, refresh,
// delete.
func TestRenderedFiles(t *testing.T) {
	t.Chdir(t.TempDir())
	s, ctx := NewServer("0.1.0"), context.Background()
	v1 := resource.PropertyMap{
		"root":                   resource.NewProperty("assets/t"),
		"__defaults":             resource.NewProperty([]resource.PropertyValue{}),
		"tls/ca.crt":             f("CERT", 0o644),
		"tls/ca.key":             secretFile("KEY", 0o600),
		"manifests/b/etc/a.yaml": f("kind: Pod\n", 0o644),
	}

	chk, err := s.Check(ctx, &pulumirpc.CheckRequest{Urn: urn, News: marshalled(t, v1)})
	if err != nil || len(chk.Failures) != 0 {
		t.Fatalf("check: %v %v", err, chk.GetFailures())
	}
	bad := resource.PropertyMap{"root": resource.NewProperty("/abs"), "../x": f("x", 0o644), "y": resource.NewProperty("text")}
	chk, _ = s.Check(ctx, &pulumirpc.CheckRequest{Urn: urn, News: marshalled(t, bad)})
	if len(chk.Failures) != 3 {
		t.Fatalf("want 3 failures (absolute root, '..' path, not an object), got %v", chk.Failures)
	}

	cr, err := s.Create(ctx, &pulumirpc.CreateRequest{Urn: urn, Properties: marshalled(t, v1)})
	if err != nil {
		t.Fatal(err)
	}
	if cr.Id != "assets/t" || read(t, "assets/t/tls/ca.key") != "KEY" || perm(t, "assets/t/tls/ca.key") != 0o600 ||
		perm(t, "assets") != 0o700 || perm(t, "assets/t") != 0o700 || read(t, "assets/t/manifests/b/etc/a.yaml") != "kind: Pod\n" {
		t.Fatalf("create: id %q or files wrong", cr.Id)
	}
	state := cr.Properties

	diff := func(news resource.PropertyMap) *pulumirpc.DiffResponse {
		t.Helper()
		d, err := s.Diff(ctx, &pulumirpc.DiffRequest{Urn: urn, Olds: state, News: marshalled(t, news)})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := diff(v1); d.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("no change expected, got %v", d.Diffs)
	}
	v2 := v1.Copy()
	v2["tls/ca.key"] = secretFile("KEY2", 0o600)
	v2["tls/ca.crt"] = f("CERT", 0o600)
	v2["auth/kubeconfig"] = secretFile("KC", 0o600)
	delete(v2, "manifests/b/etc/a.yaml")
	d := diff(v2)
	want := map[string]pulumirpc.PropertyDiff_Kind{
		"tls/ca.key": pulumirpc.PropertyDiff_UPDATE, "tls/ca.crt": pulumirpc.PropertyDiff_UPDATE,
		"auth/kubeconfig": pulumirpc.PropertyDiff_ADD, "manifests/b/etc/a.yaml": pulumirpc.PropertyDiff_DELETE,
	}
	got := map[string]pulumirpc.PropertyDiff_Kind{}
	for k, v := range d.DetailedDiff {
		path, err := resource.ParsePropertyPath(k)
		if err != nil || len(path) != 1 {
			t.Fatalf("detailed diff key %q is not one property name: %v", k, err)
		}
		got[path[0].(string)] = v.Kind
	}
	if d.Changes != pulumirpc.DiffResponse_DIFF_SOME || !reflect.DeepEqual(got, want) || len(d.Replaces) != 0 {
		t.Fatalf("diff: got %v, replaces %v", got, d.Replaces)
	}
	moved := v1.Copy()
	moved["root"] = resource.NewProperty("assets/u")
	if d := diff(moved); !reflect.DeepEqual(d.Replaces, []string{"root"}) || !d.DeleteBeforeReplace {
		t.Fatalf("a new root replaces: %v", d.Replaces)
	}
	unknown := v1.Copy()
	unknown["tls/ca.crt"] = resource.NewProperty(resource.PropertyMap{"content": resource.MakeComputed(resource.NewProperty("")), "mode": resource.NewProperty(420.0)})
	if d := diff(unknown); !reflect.DeepEqual(d.Diffs, []string{"tls/ca.crt"}) {
		t.Fatalf("an unknown content is a change: %v", d.Diffs)
	}

	// Update writes what changed, removes what is gone, leaves the rest alone.
	if err := os.WriteFile("assets/t/tls/ca.crt", []byte("CERT"), 0o644); err != nil {
		t.Fatal(err)
	}
	up, err := s.Update(ctx, &pulumirpc.UpdateRequest{Urn: urn, Olds: state, News: marshalled(t, v2)})
	if err != nil {
		t.Fatal(err)
	}
	if read(t, "assets/t/tls/ca.key") != "KEY2" || read(t, "assets/t/auth/kubeconfig") != "KC" || perm(t, "assets/t/tls/ca.crt") != 0o600 {
		t.Fatal("update did not write the changed files")
	}
	if _, err := os.Stat("assets/t/manifests"); !os.IsNotExist(err) {
		t.Fatalf("update left the removed file's directories: %v", err)
	}
	state = up.Properties

	// Refresh reports drift.
	if err := os.WriteFile("assets/t/auth/kubeconfig", []byte("edited"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove("assets/t/tls/ca.crt"); err != nil {
		t.Fatal(err)
	}
	rd, err := s.Read(ctx, &pulumirpc.ReadRequest{Urn: urn, Id: "assets/t", Properties: state})
	if err != nil {
		t.Fatal(err)
	}
	refreshed, _ := unmarshal(rd.Properties)
	sums, _ := recorded(refreshed)
	if sums["auth/kubeconfig"] != hash("edited") || sums["tls/ca.crt"] != "" || sums["tls/ca.key"] != hash("KEY2") {
		t.Fatalf("read: %v", sums)
	}
	state = rd.Properties
	if d := diff(v2); !reflect.DeepEqual(d.Diffs, []string{"auth/kubeconfig", "tls/ca.crt"}) {
		t.Fatalf("the drifted files are to be written again: %v", d.Diffs)
	}

	// Delete removes everything below the asset directory, which stays.
	if _, err := s.Delete(ctx, &pulumirpc.DeleteRequest{Urn: urn, Id: "assets/t", Properties: state}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("assets/t"); !os.IsNotExist(err) {
		t.Fatalf("delete left assets/t: %v", err)
	}
	if _, err := os.Stat(filepath.Join("assets")); err != nil {
		t.Fatalf("the asset directory itself stays: %v", err)
	}
}

// A preview writes nothing and leaves unknown files without a hash.
func TestPreviewWritesNothing(t *testing.T) {
	t.Chdir(t.TempDir())
	s := NewServer("0.1.0")
	in := resource.PropertyMap{"root": resource.NewProperty("assets/p"), "a.ign": resource.MakeComputed(resource.NewProperty("")), "b.txt": f("B", 0o644)}
	cr, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: urn, Properties: marshalled(t, in), Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("assets"); !os.IsNotExist(err) {
		t.Fatal("a preview wrote files")
	}
	out, _ := unmarshal(cr.Properties)
	sums, _ := recorded(out)
	if _, ok := sums["a.ign"]; ok || sums["b.txt"] != hash("B") {
		t.Fatalf("preview outputs: %v", sums)
	}
}
