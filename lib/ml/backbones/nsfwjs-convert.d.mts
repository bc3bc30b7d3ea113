export const MOBILENET_SHARD_FILE: string;

export interface PackageInfo {
  name: string;
  version: string;
  license: string | null;
}

export interface ConvertedLayersModel {
  /** A standard tfjs `model.json` object (format "layers-model"), shard paths relative to it. */
  modelJson: {
    format: string;
    generatedBy: string;
    convertedBy: string;
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: unknown[] }[];
    userDefinedMetadata: { source: { package: string; version: string } };
  };
  shards: { name: string; data: Uint8Array }[];
  source: PackageInfo;
}

export function readPackageInfo(nodeModulesDir: string, pkg: string): PackageInfo;
export function convertNsfwjsMobileNetV2(nodeModulesDir: string): ConvertedLayersModel;
