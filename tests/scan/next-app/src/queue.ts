import { Queue } from "bullmq";

export const queue = new Queue("jobs", { connection: { url: process.env.REDIS_URL } });
