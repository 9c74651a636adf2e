// The zkcli shell: Apache zkCli 3.8's commands and output on the project's ZooKeeper client.
export type { ShellCommand, ShellContext, ShellControl, ShellOutput } from './command.js';
export { CliError, UncaughtJavaError, describeFailure, keeperErrorLine, javaParseInt, javaParseLong } from './cli-error.js';
export { parseOptions } from './cli-options.js';
export type { OptionSpec, OptionsSpec, ParsedCommandLine } from './cli-options.js';
export { parseCommandLine } from './line-parser.js';
export { statLines, statJson, javaDate, javaHex, permString, aclLine, aclJson, idToString } from './format.js';
export { parseAcl } from './acl-parser.js';
export { visitSubTreeDFS } from './commands/tree-walk.js';
export { ZKCLI_COMMAND_NAMES, zkCliCommands, CommandTable, apacheUsage } from './registry.js';
export { ZkShell, FatalShellError } from './shell.js';
export type { ZkShellOptions } from './shell.js';
export { runZkCli, parseZkCliArgv, zookeeperShellArgv, ZOOKEEPER_SHELL_USAGE, EXIT_BAD_INVOCATION } from './main.js';
export type { ZkCliArgs, ZkCliIo } from './main.js';
