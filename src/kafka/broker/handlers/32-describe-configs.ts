// DescribeConfigs (key 32), versions 0-4: Kafka 2.8.2's range. Any broker answers (no controller needed).
// TOPIC: every LogConfig key with the topic's override or the broker default and its source (UNKNOWN_TOPIC_OR_PARTITION
// for a topic the metadata cache lacks); BROKER: this broker's id gives every broker key, "" the cluster-wide dynamic
// defaults, another id INVALID_REQUEST; BROKER_LOGGER: the root logger. v0 reports is_default instead of the
// source, v1+ synonyms when asked, v3+ the type and documentation when asked. configuration_keys null = all.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type {
  DescribeConfigsRequestDescribeConfigsResource as Resource,
  DescribeConfigsResponse,
  DescribeConfigsResponseDescribeConfigsResult as Result,
} from '../../protocol/schemas/describe-configs.js';
import { AdminError, topicNameProblem } from '../../admin/topic-name.js';
import { adminErrorOf } from '../../admin/admin-zk.js';
import { brokerConfigLayers, type AdminContext } from '../../admin/admin-context.js';
import { ConfigSource, describeBrokerConfigs, describeTopicConfigs, type DescribedConfig } from '../../admin/config-describer.js';
import { ConfigResourceType, resourceTypeName } from '../../admin/config-resource.js';
import type { ApiHandler, RequestContext } from '../handler.js';

/** ConfigHelper.resourceNameToBrokerId. */
export function brokerIdOf(name: string): number {
  if (!/^-?\d+$/.test(name)) throw new AdminError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
  return Number(name);
}

async function describe(ctx: AdminContext, resource: Resource): Promise<DescribedConfig[] | null> {
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      const problem = topicNameProblem(resource.resourceName);
      if (problem !== null) throw new AdminError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
      if (ctx.metadata.topic(resource.resourceName) === undefined) return null;
      return describeTopicConfigs(await ctx.admin.topicOverrides(resource.resourceName), await brokerConfigLayers(ctx));
    }
    case ConfigResourceType.BROKER: {
      if (resource.resourceName === '') return describeBrokerConfigs(await brokerConfigLayers(ctx), false);
      if (brokerIdOf(resource.resourceName) !== ctx.brokerId) {
        throw new AdminError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.brokerId} or empty string, but received ${resource.resourceName}`);
      }
      return describeBrokerConfigs(await brokerConfigLayers(ctx), true);
    }
    case ConfigResourceType.BROKER_LOGGER:
      if (brokerIdOf(resource.resourceName) !== ctx.brokerId) throw new AdminError(ErrorCode.INVALID_REQUEST, 'Unexpected broker id, expected ' + `${ctx.brokerId} but received ${resource.resourceName}`);
      return [{ name: 'root', value: 'INFO', readOnly: false, source: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG, isSensitive: false, synonyms: [], configType: 2, documentation: null }];
    default:
      throw new AdminError(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceTypeName(resource.resourceType)}`);
  }
}

function toResult(resource: Resource, configs: DescribedConfig[], request: { includeSynonyms?: boolean; includeDocumentation?: boolean }, rc: RequestContext): Result {
  const keys = resource.configurationKeys;
  const wanted = keys === null ? configs : configs.filter((c) => keys.includes(c.name));
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    configs: wanted.map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: c.readOnly,
      ...(rc.apiVersion === 0 ? { isDefault: c.source === ConfigSource.DEFAULT_CONFIG } : { configSource: c.source }),
      isSensitive: c.isSensitive,
      synonyms: rc.apiVersion >= 1 && request.includeSynonyms ? c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })) : [],
      configType: c.configType,
      documentation: rc.apiVersion >= 3 && request.includeDocumentation ? c.documentation : null,
    })),
  };
}

export function describeConfigsHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.DescribeConfigs> {
  const failed = (resource: Resource, errorCode: number, errorMessage: string | null): Result => ({
    errorCode,
    errorMessage,
    resourceType: resource.resourceType,
    resourceName: resource.resourceName,
    configs: [],
  });
  return {
    apiKey: ApiKey.DescribeConfigs,
    minVersion: 0,
    maxVersion: 4,
    async handle(request, rc): Promise<DescribeConfigsResponse> {
      const results: Result[] = [];
      for (const resource of request.resources) {
        try {
          const configs = await describe(ctx, resource);
          results.push(configs === null ? failed(resource, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null) : toResult(resource, configs, request, rc));
        } catch (err) {
          const e = adminErrorOf(err);
          results.push(failed(resource, e.errorCode, e.errorMessage));
        }
      }
      return { throttleTimeMs: 0, results };
    },
    errorResponse(request, errorCode) {
      return { throttleTimeMs: 0, results: request.resources.map((r) => failed(r, errorCode, null)) };
    },
  };
}
