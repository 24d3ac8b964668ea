/**
 * The feature gates of OpenShift 4.18.0 with the Default feature set, as openshift/api's
 * cluster-config-api render writes them into the FeatureGate status
 * (openshift/api payload-command/cmd/render and features/features.go, release-4.18).
 * The lists hold for 4.18.0; another 4.18.z may move a gate.
 */
export const FEATURE_GATES_VERSION = "4.18.0";

/** Enabled in Default (33 gates). */
export const ENABLED_FEATURE_GATES: readonly string[] = [
    "AWSEFSDriverVolumeMetrics", "AdminNetworkPolicy", "AlibabaPlatform", "AzureWorkloadIdentity",
    "BareMetalLoadBalancer", "BuildCSIVolumes", "ChunkSizeMiB", "CloudDualStackNodeIPs",
    "DisableKubeletCloudCredentialProviders", "GCPLabelsTags", "HardwareSpeed",
    "IngressControllerLBSubnetsAWS", "KMSv1", "ManagedBootImages", "ManagedBootImagesAWS",
    "MultiArchInstallAWS", "MultiArchInstallGCP", "NetworkDiagnosticsConfig", "NetworkLiveMigration",
    "NetworkSegmentation", "NewOLM", "NodeDisruptionPolicy", "OnClusterBuild",
    "PersistentIPsForVirtualization", "PrivateHostedZoneAWS", "SetEIPForNLBIngressController",
    "StreamingCollectionEncodingToJSON", "StreamingCollectionEncodingToProtobuf",
    "VSphereControlPlaneMachineSet", "VSphereDriverConfiguration", "VSphereMultiVCenters",
    "VSphereStaticIPs", "ValidatingAdmissionPolicy",
];

/** Disabled in Default (52 gates). */
export const DISABLED_FEATURE_GATES: readonly string[] = [
    "AWSClusterHostedDNS", "AdditionalRoutingCapabilities", "AutomatedEtcdBackup", "BootcNodeManagement",
    "CSIDriverSharedResource", "ClusterAPIInstall", "ClusterAPIInstallIBMCloud", "ClusterMonitoringConfig",
    "ConsolePluginContentSecurityPolicy", "DNSNameResolver", "DynamicResourceAllocation", "EtcdBackendQuota",
    "EventedPLEG", "Example", "ExternalOIDC", "ExternalOIDCWithUIDAndExtraClaimMappings",
    "GCPClusterHostedDNS", "GatewayAPI", "ImageStreamImportMode",
    "IngressControllerDynamicConfigurationManager", "InsightsConfig", "InsightsConfigAPI",
    "InsightsOnDemandDataGather", "InsightsRuntimeExtractor", "MachineAPIMigration",
    "MachineAPIOperatorDisableMachineHealthCheckController", "MachineAPIProviderOpenStack",
    "MachineConfigNodes", "MaxUnavailableStatefulSet", "MetricsCollectionProfiles", "MinimumKubeletVersion",
    "MixedCPUsAllocation", "MultiArchInstallAzure", "NodeSwap", "NutanixMultiSubnets", "OVNObservability",
    "OpenShiftPodSecurityAdmission", "PinnedImages", "PlatformOperators", "ProcMountType",
    "RouteAdvertisements", "RouteExternalCertificate", "ServiceAccountTokenNodeBinding", "SignatureStores",
    "SigstoreImageVerification", "TranslateStreamCloseWebsocketRequests", "UpgradeStatus",
    "UserNamespacesPodSecurityStandards", "UserNamespacesSupport", "VSphereMultiNetworks",
    "VolumeAttributesClass", "VolumeGroupSnapshot",
];
