// The part of a ComputeSDK 4.x sandbox compute uses: commands, text files, URLs of ports, and its end.

/** What a command in the sandbox printed and how it exited. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A sandbox of any ComputeSDK 4.x provider (computesdk's Sandbox satisfies it). */
export interface Sandbox {
  readonly sandboxId: string;
  readonly provider: string;
  runCommand(command: string, options?: { background?: boolean; timeout?: number }): Promise<CommandResult>;
  filesystem: {
    writeFile(path: string, content: string): Promise<void>;
  };
  getUrl(options: { port: number; protocol?: string }): Promise<string>;
  destroy(): Promise<void>;
  /** The provider's own sandbox object, for calls ComputeSDK does not have (keeping it alive). */
  getInstance?(): unknown;
}
