import { operationRouter } from '../../../common/run-items';
import * as applyRule from './image/applyRule.operation';
import * as auditImage from './image/auditImage.operation';
import * as basicClean from './image/basicClean.operation';

export const router = operationRouter({ basicClean, applyRule, auditImage });
