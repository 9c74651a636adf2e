// What `--version` prints for every Kafka tool: AppInfoParser's version and commit id of the Kafka release whose tools
// these mirror, as VersionInfo.getVersionString prints them.
export const KAFKA_TOOLS_VERSION = '2.8.2 (Commit:3146c6ff4a24)';
