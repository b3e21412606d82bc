import type { MigrationInterface, QueryRunner } from 'typeorm';
import { toDbTime } from '../time';
import { insertTaskTypeSeed } from './task-type-seed';

/**
 * The video album (视频相册, seed 000): a task type whose one input is an own finished task with at
 * least two results (e.g. the 12 poses), rendered by workflows/video_album.json into a 15-second
 * 1080×1440 MP4 with FFmpeg. Its own price; the music is a choice of the tracks bundled with the
 * n8n node (n8n-nodes-aiphoto/music). Only a row: the backend and portal need no code for it.
 */
const VIDEO_ALBUM = {
  code: 'video_album',
  name: { zh: '视频相册', en: 'Video album' },
  description: {
    zh: '把一组已完成的图片做成 15 秒竖版视频（1080×1440，淡入淡出，可选背景音乐）',
    en: 'A 15-second vertical video (1080×1440) of a finished set of images, with crossfades and optional music',
  },
  webhookPath: 'aiphoto-video-album',
  credits: 2,
  deadlineSeconds: 600,
  inputs: [{ name: 'source', kind: 'task', label: { zh: '图片来源任务', en: 'Source task' }, minResults: 2 }],
  params: [
    {
      name: 'music',
      kind: 'choice',
      label: { zh: '背景音乐', en: 'Music' },
      required: false,
      default: 'none',
      options: [
        { value: 'none', label: { zh: '无音乐', en: 'No music' } },
        { value: 'calm', label: { zh: '舒缓', en: 'Calm' } },
        { value: 'bright', label: { zh: '轻快', en: 'Bright' } },
      ],
    },
  ],
  outputs: 1,
  sort: 30,
};

export class VideoAlbum1732230815000 implements MigrationInterface {
  name = 'VideoAlbum1732230815000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const now = toDbTime(new Date());
    // Not cacheable, no prompt template: the helper's defaults (the 0 and NULL this row always had).
    await insertTaskTypeSeed(queryRunner, VIDEO_ALBUM, now);
  }

  /** Removes the row; tasks already made keep their frozen definition (tasks.type_def). */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM task_types WHERE code = ?', [VIDEO_ALBUM.code]);
  }
}
