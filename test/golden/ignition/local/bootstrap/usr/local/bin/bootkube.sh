#!/usr/bin/env bash
# bootkube.sh — brings the OpenShift control plane up on the bootstrap node.
# Rendered by openshift-hard-way for othw.lab.local; do not edit on the node.
#
# The kubelet is already running the static pods (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, cluster-version-operator) from /etc/kubernetes/manifests. This script first
# renders and starts the machine-config-server the masters fetch their configs from, waits
# for the static pods, feeds the API server what the cluster-version-operator needs, and waits for the
# masters to join. systemd re-runs it on failure; it marks success in /opt/openshift/.bootkube.done.
set -euo pipefail

export KUBECONFIG=/etc/kubernetes/kubeconfigs/localhost.kubeconfig
log() { echo "bootkube: $*"; }
# The one way this script applies objects: server-side, under the field manager bootkube.
server_side_apply() { oc apply --server-side --force-conflicts --field-manager=bootkube "$@"; }

# wait_for NAME TIMEOUT_SECONDS COMMAND...: polls COMMAND every 5 s until it succeeds. Whatever
# COMMAND prints is shown on the journal each time it changes, and the last of it on a timeout:
# a rejected manifest or a refused certificate shows at once, not as a bare timeout.
wait_for() {
  local name=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout)) out="" last=""
  log "waiting for $name (up to $timeout s)"
  until out=$("$@" 2>&1); do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "timed out waiting for $name; its last output:"
      printf '%s
' "$out" | tail -n 20 | sed 's/^/bootkube:   /'
      return 1
    fi
    if [ "$out" != "$last" ]; then
      printf '%s
' "$out" | tail -n 10 | sed "s|^|bootkube: $name: |"
      last=$out
    fi
    sleep 5
  done
  log "$name is ready"
}

# 0. The machine-config-server, as openshift-install's bootkube.sh stage mco-bootstrap: the
#    masters' pointer configs fetch https://api-int.othw.lab.local:22623/config/master from it.
MCO_IMAGE="quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:c915fb8ba96e911699a1ae34a8e95ca8a9fbe1bf8c28fea177225c63a8bdfc0a"
RELEASE_IMAGE="quay.io/openshift-release-dev/ocp-release@sha256:5bca02661d61955b62889e7e2e648905b7202d5788f5ba5ab69055a73dffdb5c"
mco_bootstrap() {
  if [ -f /opt/openshift/mco-bootstrap.done ]; then log "mco-bootstrap: already done"; return 0; fi
  log "mco-bootstrap: rendering the machine-config-operator's bootstrap manifests"
  cd /opt/openshift || return 1
  rm -rf mco-bootstrap
  # The two CA files the render reads, where the installer keeps them (certificates only).
  mkdir -p tls
  cp /etc/kubernetes/bootstrap-secrets/root-ca.crt /etc/kubernetes/bootstrap-secrets/kube-apiserver-complete-client-ca-bundle.crt tls/
  # The release's image references: the render takes the images of the pods it writes from it.
  podman run --quiet --net=none --rm --entrypoint cat "$RELEASE_IMAGE" /release-manifests/image-references > image-references.tmp ||
    { log "mco-bootstrap: could not read /release-manifests/image-references from $RELEASE_IMAGE"; return 1; }
  mv image-references.tmp image-references
  # ControllerConfig (root-ca, the kubelet client CA bundle), the master and worker pools, the
  # pull secret and the bootstrap-machine-config-operator static pod, under mco-bootstrap/.
  podman run --quiet --net=host --rm --name mco-render --user 0 --volume "$PWD:/assets:z" \
    "$MCO_IMAGE" bootstrap \
      --root-ca=/assets/tls/root-ca.crt \
      --kube-ca=/assets/tls/kube-apiserver-complete-client-ca-bundle.crt \
      --config-file=/assets/manifests/05b-cluster-config-v1.yaml \
      --infra-config-file=/assets/manifests/03-infrastructure.yaml \
      --network-config-file=/assets/manifests/04-network.yaml \
      --proxy-config-file=/assets/manifests/05f-proxy.yaml \
      --dns-config-file=/assets/manifests/05-dns.yaml \
      --pull-secret=/assets/manifests/06-pull-secret.yaml \
      --dest-dir=/assets/mco-bootstrap \
      --release-image="$RELEASE_IMAGE" \
      --image-references=/assets/image-references \
      --payload-version=4.18.0 ||
    { log "mco-bootstrap: machine-config-operator bootstrap failed (its output is above)"; return 1; }
  # The machine-config-controller (the pod's init container) reads its inputs and every cluster
  # manifest (the FeatureGate among them) from /etc/mcc/bootstrap.
  mkdir -p /etc/mcc/bootstrap /etc/mcs/bootstrap /etc/kubernetes/manifests /etc/kubernetes/static-pod-resources /etc/ssl/mcs
  cp mco-bootstrap/bootstrap/manifests/* /etc/mcc/bootstrap/
  cp /opt/openshift/manifests/* /etc/mcc/bootstrap/
  # The server hands nodes the kubelet bootstrap kubeconfig as /etc/kubernetes/kubeconfig.
  install -m 0600 /etc/kubernetes/kubeconfigs/kubelet-bootstrap.kubeconfig /etc/mcs/kubeconfig
  # Its TLS: the machine-config-server certificate, signed by root-ca for api-int.
  install -m 0644 /etc/kubernetes/bootstrap-secrets/machine-config-server.crt /etc/ssl/mcs/tls.crt
  install -m 0600 /etc/kubernetes/bootstrap-secrets/machine-config-server.key /etc/ssl/mcs/tls.key
  # Last, the static pod: the kubelet starts the controller, then the server on :22623 (TLS)
  # and :22624.
  cp mco-bootstrap/bootstrap/machineconfigoperator-bootstrap-pod.yaml /etc/kubernetes/manifests/
  touch /opt/openshift/mco-bootstrap.done
  log "mco-bootstrap: the machine-config-server static pod is in /etc/kubernetes/manifests"
}
mco_bootstrap

# 1. etcd answers on localhost:2379, checked with the API server's own etcd client certificate.
wait_for etcd 300 curl -sf --cacert /etc/kubernetes/bootstrap-secrets/etcd-ca-bundle.crt \
  --cert /etc/kubernetes/bootstrap-secrets/etcd-client.crt --key /etc/kubernetes/bootstrap-secrets/etcd-client.key https://localhost:2379/health

# 2. The API server is ready: /readyz says ok (trusting the signer of its localhost certificate).
wait_for kube-apiserver 300 sh -c 'curl -sf --cacert /etc/kubernetes/bootstrap-secrets/kube-apiserver-localhost-ca-bundle.crt https://localhost:6443/readyz | grep -qx ok'

# 2a. Approve the masters' CSRs while this script runs (in the background; stopped on exit).
MASTER_NODE_USERS="system:node:master-0 system:node:master-0.othw.lab.local system:node:master-1 system:node:master-1.othw.lab.local system:node:master-2 system:node:master-2.othw.lab.local"
is_master_user() { case " $MASTER_NODE_USERS " in *" $1 "*) return 0 ;; esac; return 1; }
approve_csr() { oc adm certificate approve "$1" 2>/dev/null || oc certificate approve "$1"; }
approve_pending_csrs() {
  local name signer user cn
  oc get csr -o go-template='{{range .items}}{{if not .status.conditions}}{{.metadata.name}} {{.spec.signerName}} {{.spec.username}}{{"\n"}}{{end}}{{end}}' |
  while read -r name signer user; do
    case "$signer" in
      kubernetes.io/kube-apiserver-client-kubelet)
        [ "$user" = "system:serviceaccount:openshift-machine-config-operator:node-bootstrapper" ] || continue
        cn=$(oc get csr "$name" -o jsonpath='{.spec.request}' | base64 -d | openssl req -noout -subject -nameopt RFC2253 | sed -n 's/.*CN=\([^,]*\).*/\1/p')
        is_master_user "$cn" || { log "not approving $name: client certificate for '$cn' is not a master's"; continue; } ;;
      kubernetes.io/kubelet-serving)
        is_master_user "$user" || { log "not approving $name: serving certificate requested by '$user'"; continue; } ;;
      *) continue ;;
    esac
    approve_csr "$name" >/dev/null && log "approved CSR $name ($signer, $user)"
  done
}
# A pass runs at once when a CSR is created or changes (a watch on CSRs), and at least once a
# minute when the watch ends; every 2 s while the API server does not answer.
approve_csrs_loop() {
  while true; do
    approve_pending_csrs </dev/null || true
    timeout 60 oc get csr --watch-only -o name 2>/dev/null | while read -r _; do approve_pending_csrs </dev/null || true; done || true
    sleep 2
  done
}
approve_csrs_loop &
APPROVER_PID=$!
trap 'pkill -P $APPROVER_PID 2>/dev/null; kill $APPROVER_PID 2>/dev/null || true' EXIT

# 3. The OpenShift CRDs, then wait until the API serves them: the manifests below and the
#    cluster-version-operator use these types. One list of every CRD per poll, printing those not
#    yet Established (`oc wait crd --all` waits on each CRD in turn, one request or more apiece).
crds_established() {
  local pending
  # shellcheck disable=SC2016 # $ok is the template's variable, not the shell's
  pending=$(oc get crd -o go-template='{{range .items}}{{$ok := false}}{{range .status.conditions}}{{if and (eq .type "Established") (eq .status "True")}}{{$ok = true}}{{end}}{{end}}{{if not $ok}}{{.metadata.name}} {{end}}{{end}}') || return 1
  [ -z "$pending" ] || { echo "not Established yet: $pending"; return 1; }
}
if compgen -G "/opt/openshift/crds/*.yaml" >/dev/null; then
  wait_for "CRDs applied" 600 server_side_apply -f /opt/openshift/crds/
  wait_for "CRDs Established" 300 crds_established
else
  log "no CRDs in /opt/openshift/crds (the stack config sets no crdsDir): Infrastructure, Network, DNS,"
  log "FeatureGate and ClusterVersion cannot be created, and the cluster-version-operator will not start"
fi # this config carries none

# 4. The cluster manifests, in file-name order, in one call. A manifest whose type is not served
#    yet fails; retry the whole set until every one applies instead of losing it silently. When
#    the call fails, the files are applied one by one, so that each refusal names its file
#    (server-side apply's errors name only the object).
apply_manifests() {
  server_side_apply -f /opt/openshift/manifests/ >/dev/null 2>&1 && return 0
  local ok=0 m err
  for m in /opt/openshift/manifests/*.yaml; do
    if ! err=$(server_side_apply -f "$m" 2>&1 >/dev/null); then echo "not yet: $m: $err"; ok=1; fi
  done
  return $ok
}
wait_for "cluster manifests" 600 apply_manifests

# 5. The Infrastructure status: `oc apply` drops status on a CRD with a status subresource, and
#    config-operator goes Degraded without controlPlaneTopology/infrastructureTopology.
if oc get crd infrastructures.config.openshift.io >/dev/null 2>&1; then
  oc patch infrastructure cluster --subresource=status --type=merge -p '{"status":{"infrastructureName":"othw-aa877","platform":"None","platformStatus":{"type":"None"},"apiServerURL":"https://api.othw.lab.local:6443","apiServerInternalURI":"https://api-int.othw.lab.local:6443","controlPlaneTopology":"HighlyAvailable","infrastructureTopology":"HighlyAvailable"}}'
fi

# 5a. The FeatureGate status (oc apply drops it, as the Infrastructure's).
if oc get crd featuregates.config.openshift.io >/dev/null 2>&1; then
  oc patch featuregate cluster --subresource=status --type=merge -p '{"status":{"featureGates":[{"version":"4.18.0","enabled":[{"name":"AWSEFSDriverVolumeMetrics"},{"name":"AdminNetworkPolicy"},{"name":"AlibabaPlatform"},{"name":"AzureWorkloadIdentity"},{"name":"BareMetalLoadBalancer"},{"name":"BuildCSIVolumes"},{"name":"ChunkSizeMiB"},{"name":"CloudDualStackNodeIPs"},{"name":"DisableKubeletCloudCredentialProviders"},{"name":"GCPLabelsTags"},{"name":"HardwareSpeed"},{"name":"IngressControllerLBSubnetsAWS"},{"name":"KMSv1"},{"name":"ManagedBootImages"},{"name":"ManagedBootImagesAWS"},{"name":"MultiArchInstallAWS"},{"name":"MultiArchInstallGCP"},{"name":"NetworkDiagnosticsConfig"},{"name":"NetworkLiveMigration"},{"name":"NetworkSegmentation"},{"name":"NewOLM"},{"name":"NodeDisruptionPolicy"},{"name":"OnClusterBuild"},{"name":"PersistentIPsForVirtualization"},{"name":"PrivateHostedZoneAWS"},{"name":"SetEIPForNLBIngressController"},{"name":"StreamingCollectionEncodingToJSON"},{"name":"StreamingCollectionEncodingToProtobuf"},{"name":"VSphereControlPlaneMachineSet"},{"name":"VSphereDriverConfiguration"},{"name":"VSphereMultiVCenters"},{"name":"VSphereStaticIPs"},{"name":"ValidatingAdmissionPolicy"}],"disabled":[{"name":"AWSClusterHostedDNS"},{"name":"AdditionalRoutingCapabilities"},{"name":"AutomatedEtcdBackup"},{"name":"BootcNodeManagement"},{"name":"CSIDriverSharedResource"},{"name":"ClusterAPIInstall"},{"name":"ClusterAPIInstallIBMCloud"},{"name":"ClusterMonitoringConfig"},{"name":"ConsolePluginContentSecurityPolicy"},{"name":"DNSNameResolver"},{"name":"DynamicResourceAllocation"},{"name":"EtcdBackendQuota"},{"name":"EventedPLEG"},{"name":"Example"},{"name":"ExternalOIDC"},{"name":"ExternalOIDCWithUIDAndExtraClaimMappings"},{"name":"GCPClusterHostedDNS"},{"name":"GatewayAPI"},{"name":"ImageStreamImportMode"},{"name":"IngressControllerDynamicConfigurationManager"},{"name":"InsightsConfig"},{"name":"InsightsConfigAPI"},{"name":"InsightsOnDemandDataGather"},{"name":"InsightsRuntimeExtractor"},{"name":"MachineAPIMigration"},{"name":"MachineAPIOperatorDisableMachineHealthCheckController"},{"name":"MachineAPIProviderOpenStack"},{"name":"MachineConfigNodes"},{"name":"MaxUnavailableStatefulSet"},{"name":"MetricsCollectionProfiles"},{"name":"MinimumKubeletVersion"},{"name":"MixedCPUsAllocation"},{"name":"MultiArchInstallAzure"},{"name":"NodeSwap"},{"name":"NutanixMultiSubnets"},{"name":"OVNObservability"},{"name":"OpenShiftPodSecurityAdmission"},{"name":"PinnedImages"},{"name":"PlatformOperators"},{"name":"ProcMountType"},{"name":"RouteAdvertisements"},{"name":"RouteExternalCertificate"},{"name":"ServiceAccountTokenNodeBinding"},{"name":"SignatureStores"},{"name":"SigstoreImageVerification"},{"name":"TranslateStreamCloseWebsocketRequests"},{"name":"UpgradeStatus"},{"name":"UserNamespacesPodSecurityStandards"},{"name":"UserNamespacesSupport"},{"name":"VSphereMultiNetworks"},{"name":"VolumeAttributesClass"},{"name":"VolumeGroupSnapshot"}]}]}}'
fi

# 6. The masters: done when all 3 are Ready. Until then the bootstrap node is
#    the cluster's only etcd and API server; do not remove it before the operators have moved
#    them to the masters ("Bootstrap Complete" is not that signal).
masters_ready() {
  [ "$(oc get nodes -l node-role.kubernetes.io/master --no-headers 2>/dev/null | grep -c ' Ready ')" -ge 3 ]
}
wait_for "3 Ready masters" 3600 masters_ready


# 7. The control plane runs on the masters: at least 2 of their kube-apiservers serve the
#    `kubernetes` Service.
MASTER_IPS="192.168.126.101 192.168.126.102 192.168.126.103"
masters_serve_api() {
  local n=0 ip
  for ip in $(oc get endpoints kubernetes -n default -o jsonpath='{.subsets[*].addresses[*].ip}'); do
    case " $MASTER_IPS " in *" $ip "*) n=$((n + 1)) ;; esac
  done
  [ "$n" -ge 2 ]
}
wait_for "kube-apiserver on 2 masters" 3600 masters_serve_api

# 7a. The masters serve the API: the bootstrap machine-config-server goes (the masters' own
#     machine-config-server answers on api-int:22623 from now on).
rm -f /etc/kubernetes/manifests/machineconfigoperator-bootstrap-pod.yaml

# 8. Bootstrap complete: kube-system/bootstrap says so (the signal cluster-etcd-operator and
#    machine-config-operator wait for).
mark_bootstrap_complete() {
  oc create configmap bootstrap -n kube-system --from-literal=status=complete --dry-run=client -o yaml | oc apply -f -
}
wait_for "kube-system/bootstrap status=complete" 600 mark_bootstrap_complete

# 9. cluster-etcd-operator removes the etcd-bootstrap member; only then may the bootstrap node go.
etcd_bootstrap_removed() {
  [ "$(KUBECONFIG=/etc/kubernetes/kubeconfigs/admin.kubeconfig oc get etcd cluster -o jsonpath='{.status.conditions[?(@.type=="EtcdBootstrapMemberRemoved")].status}')" = True ]
}
wait_for "etcd-bootstrap member removal" 3600 etcd_bootstrap_removed
log "etcd-bootstrap member removed: the bootstrap node may go now (set bootstrap: false)"

touch /opt/openshift/.bootkube.done
log "Bootstrap Complete"
