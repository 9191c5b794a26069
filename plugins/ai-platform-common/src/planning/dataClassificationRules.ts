import {
  compareDataClassification,
  DATA_CLASSIFICATIONS,
  isDataClassification,
} from '../constants';
import { fail, listOrNone, pass } from './planDecisions';
import type { ApprovedModel, PlanDecision, PlatformCluster } from './types';

/**
 * The data-classification rules of a plan: the requested classification is a known one
 * (data-classification), the model is approved for it (model-data-classification) and the
 * cluster may process it (cluster-data-classification). The model and cluster rules are left
 * out when the model or cluster is unknown.
 */
export function checkDataClassification(
  requested: string,
  model: ApprovedModel | undefined,
  cluster: PlatformCluster | undefined,
): PlanDecision[] {
  const decisions: PlanDecision[] = [];
  if (!isDataClassification(requested)) {
    decisions.push(
      fail(
        'data-classification',
        `dataClassification: '${requested}' is not one of ${DATA_CLASSIFICATIONS.join(
          ', ',
        )}`,
      ),
    );
    return decisions;
  }
  if (model) {
    decisions.push(
      compareDataClassification(requested, model.maxDataClassification) <= 0
        ? pass(
            'model-data-classification',
            `${model.name} is approved for ${model.maxDataClassification} data, which covers ${requested}`,
          )
        : fail(
            'model-data-classification',
            `dataClassification: ${model.name} is approved only up to ${model.maxDataClassification} data, not ${requested}`,
          ),
    );
  }
  if (cluster) {
    decisions.push(
      cluster.allowedDataClassifications.includes(requested)
        ? pass(
            'cluster-data-classification',
            `cluster ${cluster.name} may process ${requested} data`,
          )
        : fail(
            'cluster-data-classification',
            `dataClassification: cluster ${
              cluster.name
            } may not process ${requested} data; it allows ${listOrNone(
              cluster.allowedDataClassifications,
            )}`,
          ),
    );
  }
  return decisions;
}
