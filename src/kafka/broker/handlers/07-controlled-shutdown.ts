// ControlledShutdown (key 7), versions 0-3: Kafka 2.8.2's range (v3 from a 2.8 broker; v0 alone uses request header
// v0, which the codec knows). Answered by the active controller through its state machine: leadership moves off the
// broker and the response lists the partitions it still leads. Any other broker answers NOT_CONTROLLER. v0-v1 carry
// no broker epoch (-1: not checked).
import { ApiKey } from '../../protocol/index.js';
import type { ControlledShutdownResponse } from '../../protocol/schemas/controlled-shutdown.js';
import type { ApiHandler } from '../handler.js';
import type { ControllerApi } from '../zk-controller/controller-service.js';

export function controlledShutdownHandler(controller: ControllerApi): ApiHandler<typeof ApiKey.ControlledShutdown> {
  return {
    apiKey: ApiKey.ControlledShutdown,
    minVersion: 0,
    maxVersion: 3,
    async handle(request): Promise<ControlledShutdownResponse> {
      const reply = await controller.request({ type: 'ControlledShutdown', brokerId: request.brokerId, brokerEpoch: request.brokerEpoch ?? -1n });
      if (reply.api !== 'ControlledShutdown') throw new Error(`controller answered ControlledShutdown with ${reply.api}`);
      return { errorCode: reply.errorCode, remainingPartitions: reply.remainingPartitions };
    },
    errorResponse(_request, errorCode) {
      return { errorCode, remainingPartitions: [] };
    },
  };
}
