export function startS3Server(opts?: { bucket?: string; port?: number; address?: string }): Promise<{
  env: Record<string, string>;
  directory: string;
  close: () => Promise<void>;
}>;
