/** Page entry: mounts the Svelte app (the service worker is registered by the app's PWA shell). */
import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/app.css';

mount(App, { target: document.getElementById('app')! });
