import { operationRouter } from '../../../common/run-items';
import * as uploadFile from './file/uploadFile.operation';
import * as getOutputs from './task/getOutputs.operation';
import * as getStatus from './task/getStatus.operation';
import * as runAiApp from './task/runAiApp.operation';

export const router = operationRouter({ runAiApp, getOutputs, getStatus, uploadFile });
