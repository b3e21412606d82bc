import { InitialSchema1732230000000 } from './1732230000000-initial-schema';
import { SeedSceneCatalog1732230100000 } from './1732230100000-seed-scene-catalog';
import { AdminUsersDisabledAt1732230200000 } from './1732230200000-admin-users-disabled-at';
import { WebhookDeliveries1732230300000 } from './1732230300000-webhook-deliveries';
import { WebhookEndpointsApiKey1732230400000 } from './1732230400000-webhook-endpoints-api-key';
import { TaskTypes1732230500000 } from './1732230500000-task-types';
import { TaskListIndex1732230600000 } from './1732230600000-task-list-index';
import { CreditLots1732230610000 } from './1732230610000-credit-lots';
import { TaskN8nExecution1732230720000 } from './1732230720000-task-n8n-execution';
import { TaskErrorDetail1732230730000 } from './1732230730000-task-error-detail';
import { MerchantAccount1732230788000 } from './1732230788000-merchant-account';
import { SceneNameEn1732230800000 } from './1732230800000-scene-name-en';
import { OrderResume1732230810000 } from './1732230810000-order-resume';
import { VideoAlbum1732230815000 } from './1732230815000-video-album';
import { FittingTravelTypes1732230861000 } from './1732230861000-fitting-travel-types';
import { UploadNamesRetries1732230947311 } from './1732230947311-upload-names-retries';
import { TaskFavoriteIndex1732230958213 } from './1732230958213-task-favorite-index';
import { OutputPresets1732230979461 } from './1732230979461-output-presets';
import { TaskResultCacheIndex1732231020000 } from './1732231020000-task-result-cache-index';
import { TaskTypeVersions1732231021000 } from './1732231021000-task-type-versions';

/** Every migration, in order. New ones are appended here. */
export const migrations = [
  InitialSchema1732230000000,
  SeedSceneCatalog1732230100000,
  AdminUsersDisabledAt1732230200000,
  WebhookDeliveries1732230300000,
  WebhookEndpointsApiKey1732230400000,
  TaskTypes1732230500000,
  TaskListIndex1732230600000,
  CreditLots1732230610000,
  TaskN8nExecution1732230720000,
  TaskErrorDetail1732230730000,
  MerchantAccount1732230788000,
  SceneNameEn1732230800000,
  OrderResume1732230810000,
  VideoAlbum1732230815000,
  FittingTravelTypes1732230861000,
  UploadNamesRetries1732230947311,
  TaskFavoriteIndex1732230958213,
  OutputPresets1732230979461,
  TaskResultCacheIndex1732231020000,
  TaskTypeVersions1732231021000,
];
