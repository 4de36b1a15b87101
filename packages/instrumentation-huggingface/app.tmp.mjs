import { InferenceClient, chatCompletion } from '@huggingface/inference';
console.log(chatCompletion.name);
